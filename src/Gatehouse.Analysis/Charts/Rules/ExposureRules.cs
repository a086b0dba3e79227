using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Charts.Rules;

/// <summary>What a chart opens to the outside, and where it installs itself: NodePort and LoadBalancer Services, Service
/// externalIPs (CVE-2020-8554), objects placed in kube-system.</summary>
internal static class ExposureRules
{
    public static readonly RuleDescriptor ServiceExposed = new(
        "k8s.service-exposed", "Service exposed outside the cluster", Severity.Low, "GH-HELM-10",
        "A Service has type NodePort (low: a port on every node) or LoadBalancer (medium: usually a public address; low when "
        + "loadBalancerSourceRanges limits who may connect). Default to ClusterIP and expose through the customer's ingress, "
        + "or make exposure a value that is off by default.");

    public static readonly RuleDescriptor ExternalIps = new(
        "k8s.service-external-ips", "Service sets externalIPs", Severity.High, "GH-HELM-10",
        "A Service sets spec.externalIPs, which makes every node route traffic for those addresses to it: a Service can "
        + "intercept traffic meant for any IP (CVE-2020-8554). Remove externalIPs; use a LoadBalancer or an ingress.");

    public static readonly RuleDescriptor KubeSystem = new(
        "k8s.kube-system", "Object placed in kube-system", Severity.Medium, "GH-HELM-11",
        "The chart puts an object into the kube-system namespace, next to the control plane's own components and their "
        + "service accounts. Install into the release namespace (leave metadata.namespace unset or use .Release.Namespace).");

    public static IReadOnlyList<RuleDescriptor> All { get; } = [ServiceExposed, ExternalIps, KubeSystem];

    public static IEnumerable<ManifestFinding> Check(RenderedObject obj)
    {
        if (obj.Namespace == "kube-system")
            yield return ManifestRules.Found(KubeSystem, obj, "metadata.namespace",
                $"The {obj.Kind} is placed in kube-system: install it into the release namespace.", "namespace: kube-system");
        if (obj.Kind != "Service") yield break;
        var spec = Json.Obj(obj.Body, "spec");
        switch (Json.Str(spec, "type"))
        {
            case "NodePort":
                yield return ManifestRules.Found(ServiceExposed, obj, "spec.type",
                    "The Service opens a port on every node (type NodePort): use ClusterIP and let the installer choose how to expose it.",
                    "type: NodePort");
                break;
            case "LoadBalancer":
                var limited = Json.Arr(spec, "loadBalancerSourceRanges") is { Count: > 0 };
                yield return ManifestRules.Found(ServiceExposed, obj, "spec.type",
                    limited
                        ? "The Service asks for a load balancer (limited by loadBalancerSourceRanges): make exposure a value that is off by default."
                        : "The Service asks for a load balancer, usually a public address, open to everyone: use ClusterIP by default, or set loadBalancerSourceRanges.",
                    "type: LoadBalancer", limited ? null : Severity.Medium);
                break;
        }
        if (Json.Arr(spec, "externalIPs") is { Count: > 0 } ips)
            yield return ManifestRules.Found(ExternalIps, obj, "spec.externalIPs",
                "The Service sets externalIPs, so the nodes route those addresses to it (CVE-2020-8554): remove externalIPs.",
                $"externalIPs: [{string.Join(", ", ips.Select(Json.Scalar))}]");
    }
}
