using System.Text.Json.Nodes;

namespace Gatehouse.Analysis.Charts.Rules;

/// <summary>
/// The pod an object runs: the Pod itself, or the pod template of a workload (Deployment, StatefulSet, DaemonSet,
/// ReplicaSet, ReplicationController, Job, PodTemplate, and CronJob through <c>spec.jobTemplate</c>), with the field path
/// of its spec so findings say exactly where.
/// </summary>
/// <param name="Object">The rendered object.</param>
/// <param name="Spec">The pod spec.</param>
/// <param name="Metadata">The pod's metadata (labels, annotations): the template's, or the Pod's own.</param>
/// <param name="Path">The pod spec's field path (<c>spec.template.spec</c>).</param>
internal sealed record PodTemplate(RenderedObject Object, JsonObject Spec, JsonObject? Metadata, string Path)
{
    public const string Containers = "containers", InitContainers = "initContainers", EphemeralContainers = "ephemeralContainers";

    /// <summary>The pod metadata's field path (<c>spec.template.metadata</c>, or <c>metadata</c> for a Pod).</summary>
    public string MetadataPath => Path == "spec" ? "metadata" : Path[..^".spec".Length] + ".metadata";

    /// <summary>The pod's own security context (null when none).</summary>
    public JsonObject? SecurityContext => Json.Obj(Spec, "securityContext");

    /// <summary>Jobs and CronJobs run to completion; everything else is expected to keep running.</summary>
    public bool RunsToCompletion => Object.Kind is "Job" or "CronJob";

    /// <summary>A Helm hook (<c>helm.sh/hook</c>: tests, pre-install jobs): short-lived, outside the release's steady state.</summary>
    public bool IsHook => Json.Str(Json.Obj(Object.Body["metadata"], "annotations"), "helm.sh/hook") is not null;

    /// <summary>The pod an object runs, or null for objects that run none (and for a workload without a pod spec).</summary>
    public static PodTemplate? Of(RenderedObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var body = obj.Body;
        return obj.Kind switch
        {
            "Pod" => Make(obj, Json.Obj(body, "spec"), Json.Obj(body, "metadata"), "spec"),
            "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" or "ReplicationController" or "Job" =>
                FromTemplate(obj, Json.Obj(Json.Obj(body, "spec"), "template"), "spec.template"),
            "PodTemplate" => FromTemplate(obj, Json.Obj(body, "template"), "template"),
            "CronJob" => FromTemplate(obj, Json.Obj(Json.Obj(Json.Obj(Json.Obj(body, "spec"), "jobTemplate"), "spec"), "template"), "spec.jobTemplate.spec.template"),
            _ => null,
        };
    }

    private static PodTemplate? FromTemplate(RenderedObject obj, JsonObject? template, string path) =>
        Make(obj, Json.Obj(template, "spec"), Json.Obj(template, "metadata"), path + ".spec");

    private static PodTemplate? Make(RenderedObject obj, JsonObject? spec, JsonObject? metadata, string path) =>
        spec is null ? null : new PodTemplate(obj, spec, metadata, path);

    /// <summary>Every container of the pod: containers, then init containers, then ephemeral containers (<paramref name="lists"/> narrows it).</summary>
    public IEnumerable<ContainerRef> AllContainers(params string[] lists)
    {
        if (lists.Length == 0) lists = [Containers, InitContainers, EphemeralContainers];
        foreach (var list in lists)
            foreach (var (item, index) in Json.Items(Spec, list))
                yield return new ContainerRef(this, item, list, Json.Str(item, "name") ?? index.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    $"{Path}.{list}{Json.Item(item, index)}");
    }

    /// <summary>Labels of the pod (for NetworkPolicy selectors).</summary>
    public IReadOnlyDictionary<string, string> Labels =>
        Json.Obj(Metadata, "labels") is { } labels
            ? labels.Select(p => (p.Key, Value: Json.Scalar(p.Value))).Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>An annotation of the pod.</summary>
    public string? Annotation(string key) => Json.Str(Json.Obj(Metadata, "annotations"), key);
}

/// <summary>One container of a pod, with its field path (<c>spec.template.spec.containers[web]</c>).</summary>
internal sealed record ContainerRef(PodTemplate Pod, JsonObject Node, string List, string Name, string Path)
{
    /// <summary>The container's own security context.</summary>
    public JsonObject? SecurityContext => Json.Obj(Node, "securityContext");

    /// <summary><c>container web</c>, <c>init container setup</c>: how messages name it.</summary>
    public string Label => List switch
    {
        PodTemplate.InitContainers => $"init container {Name}",
        PodTemplate.EphemeralContainers => $"ephemeral container {Name}",
        _ => $"container {Name}",
    };

    /// <summary>
    /// A security-context setting as it applies to this container: the container's own when it sets one, else the pod's
    /// (Kubernetes' precedence for runAsUser, runAsGroup, runAsNonRoot, seccompProfile, appArmorProfile, seLinuxOptions),
    /// with the path of the field that decided it. When neither sets it, the path is where to set it: the pod's security
    /// context when no container of the pod sets it either (one fix for all), else this container's.
    /// </summary>
    public Setting Effective(string key)
    {
        if (Json.Get(SecurityContext, key) is { } own) return new(own, $"{Path}.securityContext.{key}", SettingSource.Container);
        if (Json.Get(Pod.SecurityContext, key) is { } pod) return new(pod, $"{Pod.Path}.securityContext.{key}", SettingSource.Pod);
        return Pod.AllContainers().Any(c => Json.Get(c.SecurityContext, key) is not null)
            ? new(null, $"{Path}.securityContext.{key}", SettingSource.Unset)
            : new(null, $"{Pod.Path}.securityContext.{key}", SettingSource.UnsetInPod);
    }
}

/// <summary>Where an effective security-context setting comes from.</summary>
internal enum SettingSource
{
    Container,
    Pod,
    /// <summary>Set neither on the container nor on the pod (other containers set it).</summary>
    Unset,
    /// <summary>Set nowhere in the pod.</summary>
    UnsetInPod,
}

/// <summary>An effective security-context setting (<see cref="ContainerRef.Effective"/>).</summary>
internal sealed record Setting(System.Text.Json.Nodes.JsonNode? Value, string Path, SettingSource Source)
{
    /// <summary>Whether the finding belongs to the pod (one fix in the pod's security context), not to one container.</summary>
    public bool AtPod => Source is SettingSource.Pod or SettingSource.UnsetInPod;
}
