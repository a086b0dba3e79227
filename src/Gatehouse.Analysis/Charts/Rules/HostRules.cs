using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Charts.Rules;

/// <summary>Staying off the node: host namespaces, hostPath volumes (a container runtime's socket is the worst), host ports.</summary>
internal static class HostRules
{
    public static readonly RuleDescriptor HostNamespace = new(
        "k8s.host-namespace", "Pod shares a host namespace", Severity.High, "GH-HELM-2",
        "The pod sets hostNetwork, hostPID or hostIPC: true and shares the node's network stack, processes or IPC with it "
        + "(sniffing, signalling or reading other workloads). Remove the setting; use a Service for networking.");

    public static readonly RuleDescriptor HostPath = new(
        "k8s.host-path", "hostPath volume", Severity.Medium, "GH-HELM-2",
        "The pod mounts a directory of the node (hostPath). A container runtime's socket (docker, containerd, CRI-O) is "
        + "critical, system directories (/, /etc, /proc, /sys, /var/lib/kubelet, ...) high, anything else medium. Use a "
        + "PersistentVolumeClaim, emptyDir, configMap or projected volume.");

    public static readonly RuleDescriptor HostPort = new(
        "k8s.host-port", "Container binds a host port", Severity.Medium, "GH-HELM-2",
        "A container port sets hostPort, which opens the port on the node's own address, outside Services and NetworkPolicies. "
        + "Remove hostPort and expose the port through a Service.");

    public static IReadOnlyList<RuleDescriptor> All { get; } = [HostNamespace, HostPath, HostPort];

    // Where container runtimes keep their API sockets: mounting one is root on the node.
    private static readonly string[] RuntimeSockets =
    [
        "/var/run/docker.sock", "/run/docker.sock", "/var/run/containerd/containerd.sock", "/run/containerd/containerd.sock",
        "/var/run/crio/crio.sock", "/run/crio/crio.sock", "/var/run/cri-dockerd.sock", "/run/cri-dockerd.sock",
        "/var/run/podman/podman.sock", "/run/podman/podman.sock",
    ];

    // Directories (and their parents) whose contents control the node.
    private static readonly string[] SystemPaths =
    [
        "/", "/etc", "/proc", "/sys", "/dev", "/boot", "/root", "/home", "/var", "/var/run", "/run", "/var/lib",
        "/var/lib/kubelet", "/var/lib/docker", "/var/lib/containerd", "/var/lib/etcd", "/etc/kubernetes", "/usr", "/bin", "/sbin", "/lib",
    ];

    public static IEnumerable<ManifestFinding> Check(PodTemplate pod)
    {
        foreach (var key in new[] { "hostNetwork", "hostPID", "hostIPC" })
            if (Json.Bool(pod.Spec, key) == true)
                yield return ManifestRules.Found(HostNamespace, pod.Object, $"{pod.Path}.{key}",
                    $"The pod sets {key}: true and shares the node's {Describe(key)}: remove it.", $"{key}: true");

        foreach (var (volume, index) in Json.Items(pod.Spec, "volumes"))
        {
            if (Json.Obj(volume, "hostPath") is not { } hostPath) continue;
            // A hostPath without a path is the schema validation's finding, not "/".
            if (Json.Str(hostPath, "path") is not { Length: > 0 } raw) continue;
            var path = NormalizePath(raw);
            var field = $"{pod.Path}.volumes{Json.Item(volume, index)}.hostPath.path";
            var evidence = $"hostPath: {raw}";
            if (IsRuntimeSocket(path))
                yield return ManifestRules.Found(HostPath, pod.Object, field,
                    $"The pod mounts the container runtime's socket {raw} from the node, which gives root on the node: remove the volume.",
                    evidence, Severity.Critical);
            else if (SystemPaths.Contains(path, StringComparer.Ordinal) || path.StartsWith("/etc/", StringComparison.Ordinal)
                     || path.StartsWith("/proc/", StringComparison.Ordinal) || path.StartsWith("/sys/", StringComparison.Ordinal)
                     || path.StartsWith("/var/lib/kubelet/", StringComparison.Ordinal) || path.StartsWith("/boot/", StringComparison.Ordinal))
                yield return ManifestRules.Found(HostPath, pod.Object, field,
                    $"The pod mounts the node's system path {raw}: remove the hostPath volume.", evidence, Severity.High);
            else
                yield return ManifestRules.Found(HostPath, pod.Object, field,
                    $"The pod mounts {raw} from the node: use a PersistentVolumeClaim or emptyDir instead of hostPath.", evidence);
        }

        foreach (var c in pod.AllContainers(PodTemplate.Containers, PodTemplate.InitContainers))
            foreach (var (port, index) in Json.Items(c.Node, "ports"))
                if (Json.Int(port, "hostPort") is { } hostPortNumber and not 0)
                    yield return ManifestRules.Found(HostPort, pod.Object, $"{c.Path}.ports{Json.Item(port, index)}.hostPort",
                        $"The {c.Label} opens port {hostPortNumber} on the node (hostPort): remove hostPort and use a Service.",
                        $"hostPort: {hostPortNumber}");
    }

    private static string Describe(string key) => key switch
    {
        "hostNetwork" => "network stack",
        "hostPID" => "process namespace",
        _ => "IPC namespace",
    };

    private static bool IsRuntimeSocket(string path) =>
        RuntimeSockets.Contains(path, StringComparer.Ordinal)
        || path.EndsWith("/docker.sock", StringComparison.Ordinal) || path.EndsWith("/containerd.sock", StringComparison.Ordinal)
        || path.EndsWith("/crio.sock", StringComparison.Ordinal);

    /// <summary><c>/var/run//docker.sock/</c> and <c>/var/run/../run/docker.sock</c> are paths the node resolves too.</summary>
    internal static string NormalizePath(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(part);
        }
        return "/" + string.Join('/', parts);
    }
}
