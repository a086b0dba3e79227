using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Charts.Rules;

/// <summary>Service-account tokens mounted into pods that have no use for them.</summary>
internal static class ServiceAccountRules
{
    public static readonly RuleDescriptor Token = new(
        "k8s.service-account-token", "Service-account token mounted without need", Severity.Medium, "GH-HELM-5",
        "The pod gets its service account's API token mounted (automountServiceAccountToken is not false on the pod or its "
        + "ServiceAccount) although the chart binds no Role or ClusterRole to that account. Anyone who gets into a container "
        + "gets the token. Set automountServiceAccountToken: false on the pod or the ServiceAccount.");

    public static IReadOnlyList<RuleDescriptor> All { get; } = [Token];

    public static IEnumerable<ManifestFinding> Check(PodTemplate pod, ManifestContext context)
    {
        var podSetting = Json.Bool(pod.Spec, "automountServiceAccountToken");
        if (podSetting == false) yield break;
        var account = Json.Str(pod.Spec, "serviceAccountName") is { Length: > 0 } name ? name
            : Json.Str(pod.Spec, "serviceAccount") is { Length: > 0 } legacy ? legacy : "default";
        // A chart that binds a role to the account means the app calls the API with it: the token is needed.
        if (context.IsBound(account)) yield break;
        var defined = context.TryGetServiceAccount(account, out var accountSetting);
        if (podSetting is null && accountSetting == false) yield break;

        var field = $"{pod.Path}.automountServiceAccountToken";
        var why = account == "default" && !defined
            ? "the namespace's default service account"
            : $"service account {account}";
        yield return ManifestRules.Found(Token, pod.Object, field,
            podSetting == true
                ? $"The pod mounts the API token of {why} (automountServiceAccountToken: true) but the chart grants that account no role: set it to false."
                : $"The pod gets the API token of {why} mounted, and the chart grants that account no role: set automountServiceAccountToken: false on the pod{(defined ? " or the ServiceAccount" : "")}.",
            podSetting == true ? "automountServiceAccountToken: true" : accountSetting == true ? $"ServiceAccount {account}: automountServiceAccountToken: true" : null);
    }
}
