using Gatehouse.Analysis.Pipeline;
using static Gatehouse.Analysis.Tests.Charts.Rules.Manifests;

namespace Gatehouse.Analysis.Tests.Charts.Rules;

/// <summary>Service-account tokens, RBAC, exposure, namespaces and network policies.</summary>
public sealed class AccessRulesTests
{
    private const string Pod = """
        serviceAccountName: app
        containers:
          - name: app
            image: registry.example/app:1
        """;

    private static string Account(string automount) => $"apiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: app}}\nautomountServiceAccountToken: {automount}\n---\n";

    [Fact]
    public void A_mounted_token_the_chart_grants_no_role_is_reported()
    {
        var f = Assert.Single(Check(Account("true") + Deployment(Pod), "k8s.service-account-token"));
        Assert.Equal("spec.template.spec.automountServiceAccountToken", f.Field);
        Assert.Contains("automountServiceAccountToken: false", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Automount_off_on_the_pod_or_its_service_account_passes()
    {
        Assert.Empty(Check(Account("true") + Deployment("automountServiceAccountToken: false\n" + Pod), "k8s.service-account-token"));
        Assert.Empty(Check(Account("false") + Deployment(Pod), "k8s.service-account-token"));
        Assert.Single(Check(Account("false") + Deployment("automountServiceAccountToken: true\n" + Pod), "k8s.service-account-token"));
    }

    [Fact]
    public void A_token_the_chart_binds_a_role_to_is_needed()
    {
        const string binding = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b}\nroleRef: {kind: Role, name: r, apiGroup: rbac.authorization.k8s.io}\nsubjects:\n  - {kind: ServiceAccount, name: app, namespace: default}\n---\n";
        Assert.Empty(Check(binding + Account("true") + Deployment(Pod), "k8s.service-account-token"));
    }

    private static string Role(string kind, string rules) => $"apiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata: {{name: r}}\nrules:\n{Indent(rules, 2)}";

    [Fact]
    public void Wildcards_are_high_and_critical_for_a_cluster_role_granting_everything()
    {
        var role = Assert.Single(Check(Role("Role", "- {apiGroups: [''], resources: [pods], verbs: ['*']}"), "k8s.rbac-wildcard"));
        Assert.Equal("rules[0].verbs", role.Field);
        Assert.Null(role.Severity);
        var cluster = Assert.Single(Check(Role("ClusterRole", "- {apiGroups: ['*'], resources: ['*'], verbs: ['*']}"), "k8s.rbac-wildcard"));
        Assert.Equal(Severity.Critical, cluster.Severity);
        Assert.Empty(Check(Role("Role", "- {apiGroups: [''], resources: [configmaps], verbs: [get, list]}")));
    }

    [Fact]
    public void Escalate_bind_impersonate_and_exec_are_escalation()
    {
        Assert.Single(Check(Role("ClusterRole", "- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind, escalate]}"), "k8s.rbac-escalation"));
        Assert.Single(Check(Role("Role", "- {apiGroups: [''], resources: [users, groups], verbs: [impersonate]}"), "k8s.rbac-escalation"));
        Assert.Equal("rules[0].resources", Assert.Single(Check(Role("Role", "- {apiGroups: [''], resources: [pods/exec], verbs: [create]}"), "k8s.rbac-escalation")).Field);
    }

    [Fact]
    public void Reading_secrets_is_medium_in_a_role_and_high_in_a_cluster_role()
    {
        Assert.Null(Assert.Single(Check(Role("Role", "- {apiGroups: [''], resources: [secrets], verbs: [get]}"), "k8s.rbac-secrets")).Severity);
        Assert.Equal(Severity.High, Assert.Single(Check(Role("ClusterRole", "- {apiGroups: [''], resources: [secrets], verbs: [list]}"), "k8s.rbac-secrets")).Severity);
        Assert.Empty(Check(Role("Role", "- {apiGroups: [''], resources: [secrets], verbs: [create]}"), "k8s.rbac-secrets"));
    }

    private static string Binding(string kind, string role, string subject) =>
        $"apiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata: {{name: b}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {role}}}\nsubjects:\n  - {subject}";

    [Fact]
    public void Binding_cluster_admin_is_high_in_a_namespace_and_critical_cluster_wide()
    {
        Assert.Null(Assert.Single(Check(Binding("RoleBinding", "cluster-admin", "{kind: ServiceAccount, name: app}"), "k8s.cluster-admin-binding")).Severity);
        var f = Assert.Single(Check(Binding("ClusterRoleBinding", "cluster-admin", "{kind: ServiceAccount, name: app}"), "k8s.cluster-admin-binding"));
        Assert.Equal(("roleRef.name", Severity.Critical), (f.Field, f.Severity!.Value));
    }

    [Theory]
    [InlineData("{kind: User, name: 'system:anonymous'}")]
    [InlineData("{kind: Group, name: 'system:unauthenticated'}")]
    [InlineData("{kind: Group, name: 'system:authenticated'}")]
    [InlineData("{kind: Group, name: 'system:masters'}")]
    public void Binding_to_everyone_or_system_masters_is_critical(string subject)
    {
        var f = Assert.Single(Check(Binding("RoleBinding", "view", subject), "k8s.rbac-system-binding"));
        Assert.Equal(Severity.Critical, f.Rule.DefaultSeverity);
        Assert.StartsWith("subjects[system:", f.Field, StringComparison.Ordinal);
    }

    private static string Service(string spec) => $"apiVersion: v1\nkind: Service\nmetadata: {{name: s}}\nspec:\n{Indent(spec, 2)}";

    [Fact]
    public void NodePort_is_low_and_an_open_LoadBalancer_medium()
    {
        Assert.Null(Assert.Single(Check(Service("type: NodePort"), "k8s.service-exposed")).Severity);
        Assert.Equal(Severity.Medium, Assert.Single(Check(Service("type: LoadBalancer"), "k8s.service-exposed")).Severity);
        Assert.Null(Assert.Single(Check(Service("type: LoadBalancer\nloadBalancerSourceRanges: [10.0.0.0/8]"), "k8s.service-exposed")).Severity);
        Assert.Empty(Check(Service("type: ClusterIP")));
    }

    [Fact]
    public void Service_externalIPs_are_high()
    {
        var f = Assert.Single(Check(Service("externalIPs: [203.0.113.7]"), "k8s.service-external-ips"));
        Assert.Equal(("spec.externalIPs", "externalIPs: [203.0.113.7]"), (f.Field, f.Evidence));
    }

    [Fact]
    public void Objects_in_kube_system_are_reported()
    {
        var f = Assert.Single(Check("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: kube-system}", "k8s.kube-system"));
        Assert.Equal("metadata.namespace", f.Field);
    }

    private static string Policy(string selector) =>
        $"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: np}}\nspec:\n  podSelector: {selector}\n  policyTypes: [Ingress]\n---\n";

    [Fact]
    public void A_workload_no_network_policy_selects_is_reported_once()
    {
        var f = Assert.Single(Check(Deployment(Pod), "k8s.network-policy"));
        Assert.Equal("", f.Field);
        Assert.Contains("no NetworkPolicy", f.Message, StringComparison.Ordinal);
        Assert.Single(Check(Policy("{matchLabels: {app: other}}") + Deployment(Pod), "k8s.network-policy"));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{matchLabels: {app: web}}")]
    [InlineData("{matchExpressions: [{key: app, operator: In, values: [web, api]}]}")]
    [InlineData("{matchExpressions: [{key: tier, operator: DoesNotExist}]}")]
    public void A_network_policy_selecting_the_pods_satisfies_the_rule(string selector)
    {
        Assert.Empty(Check(Policy(selector) + Deployment(Pod), "k8s.network-policy"));
    }
}
