using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Charts;

/// <summary>The chart analyzer's own rules (issue 18 §1–2): the chart as an archive and a package (Chart.yaml, Chart.lock, values schema) and its rendering.</summary>
public static class ChartRules
{
    public static readonly RuleDescriptor Unreadable = new(
        "chart.unreadable", "The chart cannot be read", Severity.High, "GH-HELM-6",
        "The artifact is not a readable Helm chart: no gzip tar, no Chart.yaml, Chart.yaml or a values file that is no valid "
        + "YAML (or uses more aliases than the policy allows), or a chart over the policy's size limits. Nothing was rendered or checked. "
        + "Package the chart with helm package.");

    public static readonly RuleDescriptor UnsafeEntry = new(
        "chart.unsafe-entry", "Unsafe entry in the chart archive", Severity.High, "GH-FILE-2",
        "The chart archive has an entry Helm refuses or that could escape a folder: an absolute path, '..', a drive letter, a "
        + "symlink, hard link or device, a duplicate name, or files outside the single top-level folder named after the chart. "
        + "Nothing was rendered. Package the chart with helm package from a clean folder.");

    public static readonly RuleDescriptor Metadata = new(
        "chart.metadata", "Chart.yaml is invalid or incomplete", Severity.Medium, "GH-HELM-6",
        "Chart.yaml must have apiVersion v2, a name without path separators, a SemVer 2 version and type application or library "
        + "(medium when not); appVersion, maintainers and sources tell users what they install and whom to ask (low when missing).");

    public static readonly RuleDescriptor ValuesSchema = new(
        "chart.values-schema", "No values.schema.json", Severity.Low, "GH-HELM-6",
        "The chart ships no values.schema.json (or one that is no JSON object), so Helm cannot reject a mistyped value, which then "
        + "silently falls back to a default. Describe every value with its type, and additionalProperties: false where the structure is fixed.");

    public static readonly RuleDescriptor DependenciesUnlocked = new(
        "chart.dependencies-unlocked", "Chart dependencies are not locked and bundled", Severity.Medium, "GH-HELM-6",
        "Every dependency in Chart.yaml must be bundled under charts/ in a version its range allows, Chart.lock must list the "
        + "bundled versions, and its digest must be the one Helm computes from Chart.yaml's dependencies and the lock. "
        + "Otherwise what is installed is not what was reviewed. Run helm dependency update and package again.");

    public static readonly RuleDescriptor KubeVersion = new(
        "chart.kube-version", "No supported Kubernetes version satisfies kubeVersion", Severity.Medium, "GH-HELM-6",
        "The chart's kubeVersion constraint allows none of the Kubernetes versions Gatehouse renders and validates for, or is "
        + "no valid constraint, so the chart was not rendered. Widen the constraint (e.g. >=1.29.0-0).");

    public static readonly RuleDescriptor RenderFailed = new(
        "chart.render-failed", "helm template failed", Severity.High, "GH-HELM-6",
        "helm template failed on the chart with its default values or a declared values file (a template error, a failing "
        + "required or fail call, a loop that did not finish in time, or more output than the policy allows). The message is Helm's. "
        + "The rendered checks are incomplete until it renders.");

    /// <summary>Every rule, for <c>gatehouse rules</c>.</summary>
    public static IReadOnlyList<RuleDescriptor> All { get; } =
        [Unreadable, UnsafeEntry, Metadata, ValuesSchema, DependenciesUnlocked, KubeVersion, RenderFailed];

    /// <summary>The rule with <paramref name="id"/> (a <see cref="ChartException.Code"/>); <see cref="Unreadable"/> for an unknown one.</summary>
    internal static RuleDescriptor Of(string id) => All.FirstOrDefault(r => r.Id == id) ?? Unreadable;
}
