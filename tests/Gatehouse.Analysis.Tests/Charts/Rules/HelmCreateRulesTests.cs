using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Tests.Support;
using Xunit.Abstractions;

namespace Gatehouse.Analysis.Tests.Charts.Rules;

/// <summary>
/// The rules on the real <c>helm create</c> chart rendered by the real Helm (<c>GATEHOUSE_HELM</c>, set by test.sh): the
/// plain chart gets the findings Trivy also reports for it, and the same chart hardened the way the docs say passes with
/// nothing of medium or above.
/// </summary>
public sealed class HelmCreateRulesTests(ITestOutputHelper output)
{
    private IReadOnlyList<ManifestFinding> Render(TestChart chart)
    {
        var objects = Manifests.Parse(chart.RunHelm("template", "rel", chart.Dir));
        return Check(objects);
    }

    private List<ManifestFinding> Check(IReadOnlyList<RenderedObject> objects)
    {
        var findings = Gatehouse.Analysis.Charts.Rules.ManifestRules.Check(objects, new ManifestCheckOptions("1.35")).ToList();
        foreach (var f in findings) output.WriteLine($"{f.Object.Id} {f.Rule.Id} {f.Severity ?? f.Rule.DefaultSeverity} {f.Field}");
        return findings;
    }

    private static string[] RulesOf(IReadOnlyList<ManifestFinding> findings, string objectId) =>
        [.. findings.Where(f => f.Object.Id == objectId).Select(f => f.Rule.Id).Distinct().Order(StringComparer.Ordinal)];

    [Fact]
    public void The_plain_helm_create_chart_gets_the_findings_of_a_default_security_context()
    {
        using var chart = TestChart.Create();
        var findings = Render(chart);

        Assert.Equal(
            ["chart.image-not-pinned", "k8s.capabilities", "k8s.low-id", "k8s.network-policy", "k8s.privilege-escalation", "k8s.read-only-root-fs",
             "k8s.resources", "k8s.run-as-non-root", "k8s.seccomp", "k8s.service-account-token"],
            RulesOf(findings, "Deployment/rel-demo"));
        // The test hook: busybox without a tag, the namespace's default service account; no probes or policy for a hook.
        Assert.Equal(
            ["chart.image-not-pinned", "k8s.capabilities", "k8s.image-tag", "k8s.low-id", "k8s.privilege-escalation", "k8s.read-only-root-fs",
             "k8s.resources", "k8s.run-as-non-root", "k8s.seccomp", "k8s.service-account-token"],
            RulesOf(findings, "Pod/rel-demo-test-connection"));
        Assert.Contains(findings, f => f.Rule.Id == "k8s.privilege-escalation" && f.Field == "spec.template.spec.containers[demo].securityContext.allowPrivilegeEscalation");
        Assert.Contains(findings, f => f.Rule.Id == "k8s.run-as-non-root" && f.Field == "spec.template.spec.securityContext.runAsNonRoot");
        Assert.Equal("templates/deployment.yaml", findings.First(f => f.Object.Kind == "Deployment").Object.Template);
    }

    [Fact]
    public void The_helm_create_chart_hardened_as_the_docs_say_has_nothing_of_medium_or_above()
    {
        using var chart = TestChart.Create().Harden();

        var findings = Check(chart.Render());

        Assert.DoesNotContain(findings, f => (f.Severity ?? f.Rule.DefaultSeverity) >= Severity.Medium);
        Assert.Empty(findings);
    }

    /// <summary>
    /// A chart with one of nearly every misconfiguration, rendered by Helm. Trivy (npm cdxgen plugin build, <c>trivy config</c>)
    /// reports on it KSV-0001/2/3/5/6/8/9/10/11/12/14/15/16/17/18/20/21/22/23/24/25/26/27/30/37/41/44/46/53/104/105/106/108/
    /// 109/111/116 and 01010; each has its rule here (docs/rules map them).
    /// </summary>
    [Fact]
    public void A_misconfigured_chart_gets_a_finding_for_each_misconfiguration()
    {
        using var chart = TestChart.Create().Delete("templates");
        chart.Write("templates/all.yaml", """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: agent
              namespace: kube-system
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata:
                  labels: {app: agent}
                  annotations:
                    container.apparmor.security.beta.kubernetes.io/agent: unconfined
                spec:
                  hostNetwork: true
                  hostPID: true
                  hostIPC: true
                  securityContext:
                    runAsUser: 0
                    sysctls: [{name: kernel.msgmax, value: "65536"}]
                    seccompProfile: {type: Unconfined}
                  containers:
                    - name: agent
                      image: 127.0.0.1:5000/agent:latest
                      env:
                        - name: DB_PASSWORD
                          value: hunter2-prod
                      ports: [{containerPort: 80, hostPort: 80}]
                      securityContext:
                        privileged: true
                        allowPrivilegeEscalation: true
                        procMount: Unmasked
                        seLinuxOptions: {type: spc_t}
                        capabilities: {add: [SYS_ADMIN, NET_RAW, SYS_MODULE, IPC_LOCK]}
                      volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]
                  volumes:
                    - name: sock
                      hostPath: {path: /var/run/docker.sock}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: all}
            rules:
              - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
              - {apiGroups: [""], resources: [secrets], verbs: [get, list]}
              - {apiGroups: [""], resources: [pods/exec], verbs: [create]}
              - {apiGroups: [""], resources: [users, groups], verbs: [impersonate]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: all}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
            subjects:
              - {kind: Group, name: "system:anonymous", apiGroup: rbac.authorization.k8s.io}
              - {kind: Group, name: "system:masters", apiGroup: rbac.authorization.k8s.io}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: svc}
            spec:
              type: LoadBalancer
              externalIPs: [203.0.113.7]
              ports: [{port: 80}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: cfg}
            data:
              ADMIN_PASSWORD: s3cure-Pa55word-x
              aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz9a8b7c6d
            """);

        var findings = Render(chart);

        Assert.Equal(
            new[] { "k8s.apparmor-unconfined", "k8s.capabilities", "k8s.capability-added", "k8s.dangerous-capability", "k8s.host-namespace",
             "k8s.host-path", "k8s.host-port", "k8s.image-tag", "chart.image-not-pinned", "k8s.kube-system", "k8s.low-id", "k8s.privilege-escalation",
             "k8s.privileged", "k8s.proc-mount", "k8s.read-only-root-fs", "k8s.resources", "k8s.root-id", "k8s.run-as-non-root",
             "k8s.seccomp", "k8s.secret-in-env", "k8s.selinux-options", "k8s.unsafe-sysctl", "k8s.network-policy", "k8s.probes", "k8s.service-account-token" }
                .Order(StringComparer.Ordinal),
            RulesOf(findings, "DaemonSet/kube-system/agent"));
        Assert.Equal(["k8s.rbac-escalation", "k8s.rbac-secrets", "k8s.rbac-wildcard"], RulesOf(findings, "ClusterRole/all"));
        Assert.Equal(["k8s.cluster-admin-binding", "k8s.rbac-system-binding"], RulesOf(findings, "ClusterRoleBinding/all"));
        Assert.Equal(["k8s.service-exposed", "k8s.service-external-ips"], RulesOf(findings, "Service/svc"));
        Assert.Equal(["k8s.secret-in-configmap"], RulesOf(findings, "ConfigMap/cfg"));
        Assert.Equal(Severity.Critical, findings.Single(f => f.Rule.Id == "k8s.host-path").Severity);
        Assert.Equal(Severity.Critical, findings.Single(f => f.Rule.Id == "k8s.cluster-admin-binding").Severity);
        Assert.Equal(2, findings.Count(f => f.Rule.Id == "k8s.rbac-system-binding"));
        Assert.Equal(3, findings.Count(f => f.Rule.Id == "k8s.dangerous-capability"));
    }
}
