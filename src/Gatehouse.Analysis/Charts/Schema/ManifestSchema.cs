using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Charts.Schema;

/// <summary>
/// Validates rendered objects against the Kubernetes object schemas for the Kubernetes version the chart was rendered for
/// (issue 18 §4): unknown fields, wrong types, missing required fields, and API versions that version does not serve.
/// </summary>
public sealed class ManifestSchema
{
    /// <summary>The schemas that ship with the engine.</summary>
    public static ManifestSchema Default { get; } = new();

    /// <summary>Every rule, for <c>gatehouse rules</c>.</summary>
    public static IReadOnlyList<RuleDescriptor> AllRules { get; } = [];

    /// <summary>Validates every object (all of one render).</summary>
    public IEnumerable<ManifestFinding> Validate(IReadOnlyList<RenderedObject> objects, ManifestCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(options);
        return [];
    }
}
