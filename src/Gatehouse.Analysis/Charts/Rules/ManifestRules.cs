using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Charts.Rules;

/// <summary>
/// The Kubernetes security rules over a chart's rendered objects (issue 18 §3): pod security (privileged, privilege
/// escalation, non-root, read-only root filesystem, capabilities, host namespaces, hostPath, seccomp), resources, images,
/// service-account tokens, RBAC, secrets in env values, exposure. Pure functions of the objects: no Helm, no I/O.
/// Each rule has a doc page that maps it to kubesec, Trivy KSV and Checkov.
/// </summary>
public static class ManifestRules
{
    /// <summary>Every rule, for <c>gatehouse rules</c>.</summary>
    public static IReadOnlyList<RuleDescriptor> All { get; } = [];

    /// <summary>Checks every object (all of one render), in order.</summary>
    public static IEnumerable<ManifestFinding> Check(IReadOnlyList<RenderedObject> objects, ManifestCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(options);
        return [];
    }
}
