using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Charts;

/// <summary>
/// What a manifest rule or the schema validation found in one rendered object. The chart analyzer turns it into a
/// <see cref="Finding"/> at <c>{artifact}!/{template}#{object id}</c> (<see cref="ChartPaths.Of"/>), fingerprinted by rule,
/// template, object and <see cref="Field"/> (never by the values file, so the same problem under several values files is
/// one finding that names them all).
/// </summary>
/// <param name="Rule">The rule (its id, severity and requirement).</param>
/// <param name="Object">The object.</param>
/// <param name="Field">Where in the object, as a dotted path with list items named when they have a name:
/// <c>spec.template.spec.containers[web].securityContext.privileged</c>; empty for the object as a whole.</param>
/// <param name="Message">One sentence a vendor can act on.</param>
public sealed record ManifestFinding(RuleDescriptor Rule, RenderedObject Object, string Field, string Message)
{
    /// <summary>The offending value, short (<c>privileged: true</c>, <c>image: nginx:latest</c>); never a secret's value.</summary>
    public string? Evidence { get; init; }

    /// <summary>Overrides the rule's default severity (e.g. a privileged <c>hostPath</c> is worse than a read-only one).</summary>
    public Severity? Severity { get; init; }
}
