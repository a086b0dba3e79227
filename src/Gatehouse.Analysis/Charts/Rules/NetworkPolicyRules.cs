using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Charts.Rules;

/// <summary>Pods no NetworkPolicy of the chart selects: every pod of the cluster may reach them.</summary>
internal static class NetworkPolicyRules
{
    public static readonly RuleDescriptor NetworkPolicy = new(
        "k8s.network-policy", "No NetworkPolicy selects the workload", Severity.Low, "GH-HELM-7",
        "No NetworkPolicy of the chart selects the workload's pods (by podSelector, in the same namespace), so every pod in "
        + "the cluster can reach them. Ship a NetworkPolicy, enabled by default, that allows only the traffic the app needs.");

    public static IReadOnlyList<RuleDescriptor> All { get; } = [NetworkPolicy];

    public static IEnumerable<ManifestFinding> Check(PodTemplate pod, ManifestContext context)
    {
        // Hooks (tests, migrations) and run-to-completion jobs accept no connections worth a policy.
        if (pod.IsHook || pod.RunsToCompletion) yield break;
        var labels = pod.Labels;
        foreach (var policy in context.NetworkPolicies)
        {
            if (policy.Namespace != pod.Object.Namespace) continue;
            if (Json.Obj(Json.Obj(policy.Body, "spec"), "podSelector") is { } selector && Matches(selector, labels)) yield break;
        }
        yield return ManifestRules.Found(NetworkPolicy, pod.Object, "",
            context.NetworkPolicies.Count == 0
                ? $"The chart ships no NetworkPolicy, so every pod in the cluster can reach the {pod.Object.Kind}'s pods: add one that allows only the traffic the app needs."
                : $"No NetworkPolicy of the chart selects the {pod.Object.Kind}'s pods (labels {string.Join(", ", labels.Select(l => $"{l.Key}={l.Value}"))}): extend a podSelector or add a policy.");
    }

    /// <summary>A label selector (matchLabels and matchExpressions) against a pod's labels; an empty selector selects every pod.</summary>
    internal static bool Matches(System.Text.Json.Nodes.JsonObject selector, IReadOnlyDictionary<string, string> labels)
    {
        if (Json.Obj(selector, "matchLabels") is { } matchLabels)
            foreach (var (key, value) in matchLabels)
                if (!labels.TryGetValue(key, out var actual) || actual != Json.Scalar(value)) return false;
        foreach (var (expression, _) in Json.Items(selector, "matchExpressions"))
        {
            var key = Json.Str(expression, "key") ?? "";
            var values = Json.Strings(expression, "values").ToList();
            var has = labels.TryGetValue(key, out var actual);
            var ok = Json.Str(expression, "operator") switch
            {
                "In" => has && values.Contains(actual!),
                "NotIn" => !has || !values.Contains(actual!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }
}
