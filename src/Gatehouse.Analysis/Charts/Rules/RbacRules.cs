using System.Globalization;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Charts.Rules;

/// <summary>
/// Least-privilege RBAC: Roles and ClusterRoles with wildcards, escalation verbs or secret access; bindings to cluster-admin
/// or to the groups that mean "everyone" (system:anonymous, system:unauthenticated, system:authenticated) or "all powers"
/// (system:masters).
/// </summary>
internal static class RbacRules
{
    public static readonly RuleDescriptor Wildcard = new(
        "k8s.rbac-wildcard", "RBAC rule with a wildcard", Severity.High, "GH-HELM-5",
        "A Role or ClusterRole grants verbs: [\"*\"] or resources: [\"*\"], which includes everything added later (critical for "
        + "a ClusterRole with both). List the verbs and resources the app uses.");

    public static readonly RuleDescriptor ClusterAdminBinding = new(
        "k8s.cluster-admin-binding", "Binding to cluster-admin", Severity.High, "GH-HELM-5",
        "A RoleBinding or ClusterRoleBinding grants the cluster-admin ClusterRole: full control of the namespace (high) or of "
        + "the whole cluster (critical). Bind a Role that lists only what the app needs.");

    public static readonly RuleDescriptor SystemBinding = new(
        "k8s.rbac-system-binding", "Binding to anonymous, all users or system:masters", Severity.Critical, "GH-HELM-5",
        "A binding's subject is system:anonymous, system:unauthenticated or system:authenticated (everyone who can reach the API "
        + "server) or system:masters (a group no authorizer can restrict). Bind the app's own service account instead.");

    public static readonly RuleDescriptor Escalation = new(
        "k8s.rbac-escalation", "RBAC permission that escalates privileges", Severity.High, "GH-HELM-5",
        "A Role or ClusterRole grants escalate, bind or impersonate, or exec/attach into pods or the nodes/proxy API: each "
        + "lets its holder gain permissions it was not given. Remove the verb or resource.");

    public static readonly RuleDescriptor Secrets = new(
        "k8s.rbac-secrets", "RBAC permission to read secrets", Severity.Medium, "GH-HELM-5",
        "A Role grants get, list or watch on secrets (high for a ClusterRole: every namespace's secrets). Restrict it to the "
        + "named secrets the app needs (resourceNames), in its own namespace.");

    public static IReadOnlyList<RuleDescriptor> All { get; } = [Wildcard, ClusterAdminBinding, SystemBinding, Escalation, Secrets];

    private static readonly string[] EveryoneGroups = ["system:anonymous", "system:unauthenticated", "system:authenticated", "system:masters"];

    private static readonly string[] ShellResources = ["pods/exec", "pods/attach", "nodes/proxy", "pods/portforward"];

    public static IEnumerable<ManifestFinding> Check(RenderedObject obj) => obj.Kind switch
    {
        "Role" or "ClusterRole" => CheckRole(obj),
        "RoleBinding" or "ClusterRoleBinding" => CheckBinding(obj),
        _ => [],
    };

    private static IEnumerable<ManifestFinding> CheckRole(RenderedObject obj)
    {
        var cluster = obj.Kind == "ClusterRole";
        foreach (var (rule, index) in Json.Items(obj.Body, "rules"))
        {
            var field = $"rules[{index.ToString(CultureInfo.InvariantCulture)}]";
            var verbs = Json.Strings(rule, "verbs").ToList();
            var resources = Json.Strings(rule, "resources").ToList();
            var anyVerb = verbs.Contains("*");
            var anyResource = resources.Contains("*");
            var evidence = $"verbs: [{string.Join(", ", verbs)}], resources: [{string.Join(", ", resources)}]";
            if (anyVerb || anyResource)
                yield return ManifestRules.Found(Wildcard, obj, anyVerb ? $"{field}.verbs" : $"{field}.resources",
                    $"The {obj.Kind} grants {(anyVerb && anyResource ? "every verb on every resource" : anyVerb ? "every verb (\"*\")" : "every resource (\"*\")")}: list the verbs and resources the app uses.",
                    evidence, cluster && anyVerb && anyResource ? Severity.Critical : null);

            var escalating = verbs.Where(v => v is "escalate" or "bind" or "impersonate").ToList();
            if (escalating.Count > 0)
                yield return ManifestRules.Found(Escalation, obj, $"{field}.verbs",
                    $"The {obj.Kind} grants {string.Join(", ", escalating)}, which lets its holder give itself permissions: remove {(escalating.Count == 1 ? "it" : "them")}.",
                    evidence);
            var shells = resources.Where(r => ShellResources.Contains(r, StringComparer.Ordinal)).ToList();
            if (shells.Count > 0 && !anyVerb && verbs.Any(v => v is "create" or "get"))
                yield return ManifestRules.Found(Escalation, obj, $"{field}.resources",
                    $"The {obj.Kind} grants access to {string.Join(", ", shells)}, a shell in other workloads or on the node: remove {(shells.Count == 1 ? "it" : "them")}.",
                    evidence);

            if (resources.Contains("secrets") && verbs.Any(v => v is "get" or "list" or "watch" or "*"))
                yield return ManifestRules.Found(Secrets, obj, $"{field}.resources",
                    Json.Arr(rule, "resourceNames") is { Count: > 0 }
                        ? $"The {obj.Kind} grants reading the secrets it names{(cluster ? " in every namespace" : "")}: keep the list to what the app needs."
                        : $"The {obj.Kind} grants reading every secret{(cluster ? " of every namespace" : " of its namespace")}: restrict it with resourceNames.",
                    evidence, cluster && Json.Arr(rule, "resourceNames") is not { Count: > 0 } ? Severity.High : null);
        }
    }

    private static IEnumerable<ManifestFinding> CheckBinding(RenderedObject obj)
    {
        var roleRef = Json.Obj(obj.Body, "roleRef");
        if (Json.Str(roleRef, "name") == "cluster-admin" && Json.Str(roleRef, "kind") is null or "ClusterRole")
            yield return ManifestRules.Found(ClusterAdminBinding, obj, "roleRef.name",
                obj.Kind == "ClusterRoleBinding"
                    ? "The ClusterRoleBinding grants cluster-admin, full control of the cluster: bind a Role that lists only what the app needs."
                    : "The RoleBinding grants cluster-admin, full control of the namespace: bind a Role that lists only what the app needs.",
                "roleRef: cluster-admin", obj.Kind == "ClusterRoleBinding" ? Severity.Critical : null);

        foreach (var (subject, index) in Json.Items(obj.Body, "subjects"))
        {
            var name = Json.Str(subject, "name") ?? "";
            if (!EveryoneGroups.Contains(name, StringComparer.Ordinal)) continue;
            yield return ManifestRules.Found(SystemBinding, obj, $"subjects{Json.Item(subject, index)}",
                name == "system:masters"
                    ? $"The {obj.Kind} binds system:masters, a group no authorizer can restrict: bind the app's own service account."
                    : $"The {obj.Kind} grants its role to {name}, i.e. everyone who can reach the API server: bind the app's own service account.",
                $"subject: {Json.Str(subject, "kind")} {name}");
        }
    }
}
