using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Charts.Rules;

/// <summary>
/// The Kubernetes security rules over a chart's rendered objects (issue 18 §3): pod security (privileged, privilege
/// escalation, non-root, read-only root filesystem, capabilities, host namespaces, hostPath, seccomp), resources, images,
/// service-account tokens, RBAC, secrets in env values, exposure. Pure functions of the objects: no Helm, no I/O.
/// Each rule has a doc page that maps it to kubesec, Trivy KSV and Checkov.
/// </summary>
/// <remarks>
/// One class per family: <see cref="PodSecurityRules"/>, <see cref="HostRules"/>, <see cref="WorkloadRules"/> (resources,
/// probes), <see cref="ContainerImageRules"/>, <see cref="ServiceAccountRules"/>, <see cref="RbacRules"/>,
/// <see cref="ManifestSecretRules"/>, <see cref="ExposureRules"/>, <see cref="NetworkPolicyRules"/>. Every pod-bearing kind
/// is read through <see cref="PodTemplate"/>, so a rule about containers sees those of a CronJob's job template too.
/// </remarks>
public static class ManifestRules
{
    /// <summary>Every rule, for <c>gatehouse rules</c>.</summary>
    public static IReadOnlyList<RuleDescriptor> All { get; } =
    [
        .. PodSecurityRules.All, .. HostRules.All, .. WorkloadRules.All, .. ContainerImageRules.All, .. ServiceAccountRules.All,
        .. RbacRules.All, .. ManifestSecretRules.All, .. ExposureRules.All, .. NetworkPolicyRules.All,
    ];

    /// <summary>Checks every object (all of one render), in order.</summary>
    public static IEnumerable<ManifestFinding> Check(IReadOnlyList<RenderedObject> objects, ManifestCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(options);
        return CheckCore(objects, new ManifestContext(objects, options));
    }

    private static IEnumerable<ManifestFinding> CheckCore(IReadOnlyList<RenderedObject> objects, ManifestContext context)
    {
        foreach (var obj in objects)
        {
            // A setting the pod's security context decides is one finding, not one per container that inherits it.
            var seen = new HashSet<(string Rule, string Field)>();
            foreach (var f in CheckObject(obj, context))
                if (seen.Add((f.Rule.Id, f.Field))) yield return f;
        }
    }

    private static IEnumerable<ManifestFinding> CheckObject(RenderedObject obj, ManifestContext context)
    {
        if (PodTemplate.Of(obj) is { } pod)
        {
            foreach (var f in PodSecurityRules.Check(pod)) yield return f;
            foreach (var f in HostRules.Check(pod)) yield return f;
            foreach (var f in WorkloadRules.Check(pod)) yield return f;
            foreach (var f in ContainerImageRules.Check(pod)) yield return f;
            foreach (var f in ServiceAccountRules.Check(pod, context)) yield return f;
            foreach (var f in ManifestSecretRules.CheckEnv(pod)) yield return f;
            foreach (var f in NetworkPolicyRules.Check(pod, context)) yield return f;
        }
        foreach (var f in RbacRules.Check(obj)) yield return f;
        foreach (var f in ManifestSecretRules.CheckConfigMap(obj)) yield return f;
        foreach (var f in ExposureRules.Check(obj)) yield return f;
    }

    /// <summary>A finding; <paramref name="severity"/> only when it differs from the rule's default.</summary>
    internal static ManifestFinding Found(RuleDescriptor rule, RenderedObject obj, string field, string message, string? evidence = null, Severity? severity = null) =>
        new(rule, obj, field, message)
        {
            Evidence = evidence,
            Severity = severity is { } s && s != rule.DefaultSeverity ? s : null,
        };
}
