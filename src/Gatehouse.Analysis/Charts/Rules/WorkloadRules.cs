using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Charts.Rules;

/// <summary>How a workload behaves next to others: resource requests and limits, health probes.</summary>
internal static class WorkloadRules
{
    public static readonly RuleDescriptor Resources = new(
        "k8s.resources", "Resource requests or limits missing", Severity.Medium, "GH-HELM-3",
        "A container does not set CPU and memory requests and a memory limit (medium), or sets them but no CPU limit (low). "
        + "Without them one workload can starve the node. Set resources.requests.cpu/memory and resources.limits.memory "
        + "(and limits.cpu) with defaults in values.yaml.");

    public static readonly RuleDescriptor Probes = new(
        "k8s.probes", "Liveness or readiness probe missing", Severity.Low, "GH-HELM-11",
        "A container of a long-running workload has no readinessProbe or no livenessProbe, so Kubernetes sends it traffic "
        + "before it is ready and never restarts it when it hangs. Add both (httpGet, tcpSocket, grpc or exec).");

    public static IReadOnlyList<RuleDescriptor> All { get; } = [Resources, Probes];

    public static IEnumerable<ManifestFinding> Check(PodTemplate pod)
    {
        foreach (var c in pod.AllContainers(PodTemplate.Containers, PodTemplate.InitContainers))
        {
            var resources = Json.Obj(c.Node, "resources");
            var requests = Json.Obj(resources, "requests");
            var limits = Json.Obj(resources, "limits");
            var missing = new List<string>();
            if (Json.Get(requests, "cpu") is null) missing.Add("requests.cpu");
            if (Json.Get(requests, "memory") is null) missing.Add("requests.memory");
            if (Json.Get(limits, "memory") is null) missing.Add("limits.memory");
            var cpuLimit = Json.Get(limits, "cpu") is null;
            if (missing.Count > 0)
                yield return ManifestRules.Found(Resources, pod.Object, $"{c.Path}.resources",
                    $"The {c.Label} sets no {string.Join(", ", cpuLimit ? [.. missing, "limits.cpu"] : missing)}: set them under resources (defaults in values.yaml).");
            else if (cpuLimit)
                yield return ManifestRules.Found(Resources, pod.Object, $"{c.Path}.resources.limits.cpu",
                    $"The {c.Label} sets no CPU limit: set resources.limits.cpu.", severity: Severity.Low);
        }

        if (pod.RunsToCompletion || pod.IsHook) yield break;
        foreach (var c in pod.AllContainers(PodTemplate.Containers))
        {
            var missing = new[] { "readinessProbe", "livenessProbe" }.Where(p => Json.Obj(c.Node, p) is null).ToList();
            if (missing.Count > 0)
                yield return ManifestRules.Found(Probes, pod.Object, $"{c.Path}.{missing[0]}",
                    $"The {c.Label} has no {string.Join(" and no ", missing)}: add {(missing.Count == 1 ? "it" : "them")} so Kubernetes knows when it is ready and when it hangs.");
        }
    }
}
