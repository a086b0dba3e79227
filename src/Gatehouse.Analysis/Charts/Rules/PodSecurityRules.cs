using System.Collections.Frozen;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Charts.Rules;

/// <summary>
/// Pod security: the container and pod security contexts against the Kubernetes Pod Security Standards (baseline and
/// restricted). Settings the pod's security context can carry (runAsNonRoot, runAsUser, seccompProfile, ...) are read as
/// Kubernetes applies them: the container's own value wins, else the pod's.
/// </summary>
internal static class PodSecurityRules
{
    public static readonly RuleDescriptor Privileged = new(
        "k8s.privileged", "Privileged container", Severity.High, "GH-HELM-2",
        "A container sets securityContext.privileged: true: it gets every device and capability of the node and no isolation "
        + "worth the name. Remove privileged (or set it to false) and grant only the capability the workload needs.");

    public static readonly RuleDescriptor PrivilegeEscalation = new(
        "k8s.privilege-escalation", "Container may gain more privileges than its parent", Severity.Medium, "GH-HELM-1",
        "A container does not set securityContext.allowPrivilegeEscalation: false, so setuid binaries and file capabilities can "
        + "raise its privileges (no_new_privs is off). Set allowPrivilegeEscalation: false on every container.");

    public static readonly RuleDescriptor RunAsNonRoot = new(
        "k8s.run-as-non-root", "Container may run as root", Severity.Medium, "GH-HELM-1",
        "Neither the container nor the pod sets runAsNonRoot: true, so the image's user (often root) applies and the kubelet "
        + "does not refuse root. Set securityContext.runAsNonRoot: true and a non-zero runAsUser in the pod.");

    public static readonly RuleDescriptor RootId = new(
        "k8s.root-id", "Container runs with user or group id 0", Severity.Low, "GH-HELM-1",
        "The security context sets runAsUser: 0 (root, medium), or runAsGroup, fsGroup or supplementalGroups to 0 (the root "
        + "group). Use a non-zero id, e.g. 10001.");

    public static readonly RuleDescriptor LowId = new(
        "k8s.low-id", "User or group id at or below 10000", Severity.Low, "GH-HELM-1",
        "The user or group id a container runs with is not set or is 10000 or below, where it can coincide with a user of the "
        + "node (whose files a container escape would then own). Set runAsUser and runAsGroup above 10000, e.g. 10001.");

    public static readonly RuleDescriptor ReadOnlyRootFs = new(
        "k8s.read-only-root-fs", "Root filesystem is writable", Severity.Medium, "GH-HELM-1",
        "A container does not set securityContext.readOnlyRootFilesystem: true, so an intruder can change its binaries and "
        + "configuration. Set it, and mount an emptyDir where the app writes (e.g. /tmp).");

    public static readonly RuleDescriptor Capabilities = new(
        "k8s.capabilities", "Container keeps the default capabilities", Severity.Low, "GH-HELM-1",
        "A container does not drop ALL capabilities, so it keeps the runtime's defaults (NET_RAW, CHOWN, SETUID, ...). Set "
        + "securityContext.capabilities.drop: [ALL] and add back only NET_BIND_SERVICE if it must bind a port below 1024.");

    public static readonly RuleDescriptor CapabilityAdded = new(
        "k8s.capability-added", "Container adds capabilities", Severity.Medium, "GH-HELM-1",
        "A container adds a capability other than NET_BIND_SERVICE (low when the Pod Security Standards' baseline allows it, "
        + "medium otherwise). Remove it from capabilities.add, or say in the submission why the workload needs it.");

    public static readonly RuleDescriptor DangerousCapability = new(
        "k8s.dangerous-capability", "Container adds a dangerous capability", Severity.High, "GH-HELM-2",
        "A container adds SYS_ADMIN, NET_RAW, SYS_MODULE, SYS_PTRACE, NET_ADMIN, BPF, ALL or another capability that breaks "
        + "container isolation. Remove it from capabilities.add.");

    public static readonly RuleDescriptor Seccomp = new(
        "k8s.seccomp", "No seccomp profile, or seccomp disabled", Severity.Low, "GH-HELM-1",
        "No seccomp profile applies to a container (low), or the profile is Unconfined (medium), so every system call is "
        + "allowed. Set securityContext.seccompProfile.type: RuntimeDefault in the pod.");

    public static readonly RuleDescriptor AppArmorUnconfined = new(
        "k8s.apparmor-unconfined", "AppArmor disabled", Severity.Medium, "GH-HELM-1",
        "A container or pod sets appArmorProfile.type: Unconfined (or the annotation container.apparmor.security.beta."
        + "kubernetes.io/NAME: unconfined), switching off the node's AppArmor confinement. Use RuntimeDefault or remove it.");

    public static readonly RuleDescriptor SeLinuxOptions = new(
        "k8s.selinux-options", "Custom SELinux options", Severity.Medium, "GH-HELM-1",
        "A security context sets seLinuxOptions user or role, or a type other than container_t, container_init_t, "
        + "container_kvm_t or container_engine_t, which can lift SELinux confinement. Remove seLinuxOptions.");

    public static readonly RuleDescriptor ProcMount = new(
        "k8s.proc-mount", "Unmasked /proc", Severity.Medium, "GH-HELM-2",
        "A container sets securityContext.procMount: Unmasked, exposing the host's /proc paths the runtime normally masks. "
        + "Remove procMount (Default).");

    public static readonly RuleDescriptor UnsafeSysctl = new(
        "k8s.unsafe-sysctl", "Unsafe sysctl", Severity.Medium, "GH-HELM-2",
        "The pod sets a sysctl outside the Pod Security Standards' safe set, which can affect the node or other pods. Remove it "
        + "from securityContext.sysctls.");

    public static IReadOnlyList<RuleDescriptor> All { get; } =
        [Privileged, PrivilegeEscalation, RunAsNonRoot, RootId, LowId, ReadOnlyRootFs, Capabilities, CapabilityAdded, DangerousCapability,
         Seccomp, AppArmorUnconfined, SeLinuxOptions, ProcMount, UnsafeSysctl];

    // Capabilities that break isolation (Trivy KSV-0005/0119/0120, kubesec CapSysAdmin, the container-escape literature).
    private static readonly FrozenSet<string> Dangerous = FrozenSet.ToFrozenSet(
        ["ALL", "SYS_ADMIN", "NET_RAW", "SYS_MODULE", "SYS_PTRACE", "NET_ADMIN", "BPF", "PERFMON", "SYS_RAWIO", "DAC_READ_SEARCH",
         "SYS_BOOT", "SYS_TIME", "MAC_ADMIN", "MAC_OVERRIDE", "SYSLOG", "SYS_RESOURCE", "LINUX_IMMUTABLE", "CHECKPOINT_RESTORE"],
        StringComparer.Ordinal);

    // Pod Security Standards, baseline: capabilities that may be added.
    private static readonly FrozenSet<string> Baseline = FrozenSet.ToFrozenSet(
        ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID",
         "SETPCAP", "SETUID", "SYS_CHROOT"], StringComparer.Ordinal);

    // Pod Security Standards, baseline: the safe sysctls (Kubernetes 1.32).
    private static readonly FrozenSet<string> SafeSysctls = FrozenSet.ToFrozenSet(
        ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
         "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
         "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"], StringComparer.Ordinal);

    private static readonly FrozenSet<string> SeLinuxTypes = FrozenSet.ToFrozenSet(
        ["container_t", "container_init_t", "container_kvm_t", "container_engine_t"], StringComparer.Ordinal);

    public static IEnumerable<ManifestFinding> Check(PodTemplate pod)
    {
        var obj = pod.Object;
        foreach (var c in pod.AllContainers())
        {
            var sc = c.SecurityContext;
            if (Json.Bool(sc, "privileged") == true)
                yield return ManifestRules.Found(Privileged, obj, $"{c.Path}.securityContext.privileged",
                    $"The {c.Label} runs privileged: remove securityContext.privileged (or set it to false).", "privileged: true");

            switch (Json.Bool(sc, "allowPrivilegeEscalation"))
            {
                case true:
                    yield return ManifestRules.Found(PrivilegeEscalation, obj, $"{c.Path}.securityContext.allowPrivilegeEscalation",
                        $"The {c.Label} sets allowPrivilegeEscalation: true: set it to false.", "allowPrivilegeEscalation: true", Severity.High);
                    break;
                case null:
                    yield return ManifestRules.Found(PrivilegeEscalation, obj, $"{c.Path}.securityContext.allowPrivilegeEscalation",
                        $"The {c.Label} does not set allowPrivilegeEscalation: set securityContext.allowPrivilegeEscalation: false.");
                    break;
            }

            foreach (var f in NonRoot(c)) yield return f;
            foreach (var f in LowIds(c)) yield return f;

            if (c.List != PodTemplate.EphemeralContainers && Json.Bool(sc, "readOnlyRootFilesystem") != true)
                yield return ManifestRules.Found(ReadOnlyRootFs, obj, $"{c.Path}.securityContext.readOnlyRootFilesystem",
                    $"The {c.Label}'s root filesystem is writable: set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it writes.",
                    Json.Bool(sc, "readOnlyRootFilesystem") == false ? "readOnlyRootFilesystem: false" : null);

            foreach (var f in CapabilityFindings(c)) yield return f;
            foreach (var f in SeccompFindings(c)) yield return f;
            foreach (var f in ConfinementFindings(c)) yield return f;

            if (Json.Str(sc, "procMount") is { } procMount && procMount != "Default")
                yield return ManifestRules.Found(ProcMount, obj, $"{c.Path}.securityContext.procMount",
                    $"The {c.Label} sets procMount: {procMount}: remove it so the runtime masks /proc.", $"procMount: {procMount}");
        }

        foreach (var f in PodGroupIds(pod)) yield return f;

        foreach (var (sysctl, index) in Json.Items(pod.SecurityContext, "sysctls"))
        {
            var name = Json.Str(sysctl, "name") ?? "";
            if (SafeSysctls.Contains(name)) continue;
            yield return ManifestRules.Found(UnsafeSysctl, pod.Object, $"{pod.Path}.securityContext.sysctls{Json.Item(sysctl, index)}",
                $"The pod sets the sysctl {name}, which is not in the safe set: remove it.", $"{name}={Json.Scalar(Json.Get(sysctl, "value"))}");
        }
    }

    private static IEnumerable<ManifestFinding> NonRoot(ContainerRef c)
    {
        var obj = c.Pod.Object;
        var nonRoot = c.Effective("runAsNonRoot");
        var user = c.Effective("runAsUser");
        var uid = Json.AsInt(user.Value);
        if (uid == 0)
            yield return ManifestRules.Found(RootId, obj, user.Path,
                (user.AtPod ? "The pod" : $"The {c.Label}") + " sets runAsUser: 0 (root): use a non-zero user id such as 10001.",
                "runAsUser: 0", Severity.Medium);
        if (Json.Int(c.SecurityContext, "runAsGroup") == 0)
            yield return ManifestRules.Found(RootId, obj, $"{c.Path}.securityContext.runAsGroup",
                $"The {c.Label} sets runAsGroup: 0 (the root group): use a non-zero group id such as 10001.", "runAsGroup: 0");

        if (nonRoot.Value is System.Text.Json.Nodes.JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.True) yield break;
        var where = nonRoot.AtPod ? "the pod's securityContext" : $"the {c.Label}'s securityContext";
        if (uid is > 0)
            yield return ManifestRules.Found(RunAsNonRoot, obj, nonRoot.Path,
                $"The {c.Label} runs as user {uid} but runAsNonRoot is not true, so the kubelet does not enforce it: set runAsNonRoot: true in {where}.",
                severity: Severity.Low);
        else if (uid != 0)
            yield return ManifestRules.Found(RunAsNonRoot, obj, nonRoot.Path,
                nonRoot.Source is SettingSource.UnsetInPod
                    ? "No security context of the pod sets runAsNonRoot, so its containers may run as root: set runAsNonRoot: true and a non-zero runAsUser in the pod's securityContext."
                    : $"The {c.Label} may run as root (runAsNonRoot is not true): set runAsNonRoot: true in {where}.",
                nonRoot.Value is null ? null : "runAsNonRoot: false");
        else
            yield return ManifestRules.Found(RunAsNonRoot, obj, nonRoot.Path,
                $"The {c.Label} runs as root (runAsUser: 0): set a non-zero runAsUser and runAsNonRoot: true.");
    }

    private static IEnumerable<ManifestFinding> LowIds(ContainerRef c)
    {
        var user = c.Effective("runAsUser");
        var group = c.Effective("runAsGroup");
        var uid = Json.AsInt(user.Value);
        var gid = Json.AsInt(group.Value);
        var problems = new List<(string Text, Setting Where)>();
        // 0 is k8s.root-id's finding.
        if (uid is null) problems.Add(("sets no runAsUser", user));
        else if (uid is > 0 and <= 10000) problems.Add(($"runs as user {uid}", user));
        if (gid is null) problems.Add(("sets no runAsGroup", group));
        else if (gid is > 0 and <= 10000) problems.Add(($"runs as group {gid}", group));
        if (problems.Count == 0) yield break;
        var first = problems[0].Where;
        yield return ManifestRules.Found(LowId, c.Pod.Object, first.Path,
            (first.AtPod && problems.All(p => p.Where.AtPod) ? "The pod " : $"The {c.Label} ") + string.Join(" and ", problems.Select(p => p.Text))
            + ": set runAsUser and runAsGroup above 10000 (e.g. 10001) so the ids cannot coincide with a user of the node.");
    }

    private static IEnumerable<ManifestFinding> PodGroupIds(PodTemplate pod)
    {
        var sc = pod.SecurityContext;
        if (Json.Int(sc, "runAsGroup") == 0)
            yield return ManifestRules.Found(RootId, pod.Object, $"{pod.Path}.securityContext.runAsGroup",
                "The pod sets runAsGroup: 0 (the root group): use a non-zero group id such as 10001.", "runAsGroup: 0");
        if (Json.Int(sc, "fsGroup") == 0)
            yield return ManifestRules.Found(RootId, pod.Object, $"{pod.Path}.securityContext.fsGroup",
                "The pod sets fsGroup: 0, so its volumes belong to the root group: use a non-zero group id such as 10001.", "fsGroup: 0");
        if (Json.Arr(sc, "supplementalGroups") is { } groups && groups.Any(g => Json.Scalar(g) == "0"))
            yield return ManifestRules.Found(RootId, pod.Object, $"{pod.Path}.securityContext.supplementalGroups",
                "The pod adds the root group (0) to supplementalGroups: remove it.", "supplementalGroups: [0]");
    }

    private static IEnumerable<ManifestFinding> CapabilityFindings(ContainerRef c)
    {
        var obj = c.Pod.Object;
        var caps = Json.Obj(c.SecurityContext, "capabilities");
        var path = $"{c.Path}.securityContext.capabilities";
        if (!Json.Strings(caps, "drop").Any(d => Normalize(d) == "ALL"))
            yield return ManifestRules.Found(Capabilities, obj, $"{path}.drop",
                $"The {c.Label} does not drop ALL capabilities: set securityContext.capabilities.drop: [ALL].");

        foreach (var added in Json.Strings(caps, "add").Select(Normalize).Distinct(StringComparer.Ordinal))
        {
            if (Dangerous.Contains(added))
                yield return ManifestRules.Found(DangerousCapability, obj, $"{path}.add[{added}]",
                    $"The {c.Label} adds the capability {added}, which breaks container isolation: remove it from capabilities.add.", $"add: {added}");
            else if (added != "NET_BIND_SERVICE")
                yield return ManifestRules.Found(CapabilityAdded, obj, $"{path}.add[{added}]",
                    $"The {c.Label} adds the capability {added}: remove it, or explain in the submission why it is needed.", $"add: {added}",
                    Baseline.Contains(added) ? Severity.Low : Severity.Medium);
        }
    }

    private static IEnumerable<ManifestFinding> SeccompFindings(ContainerRef c)
    {
        var obj = c.Pod.Object;
        var profile = c.Effective("seccompProfile");
        var type = Json.Str(profile.Value, "type");
        var annotation = c.Pod.Annotation("container.seccomp.security.alpha.kubernetes.io/" + c.Name)
            ?? c.Pod.Annotation("seccomp.security.alpha.kubernetes.io/pod");
        if (type == "Unconfined" || (type is null && annotation == "unconfined"))
            yield return ManifestRules.Found(Seccomp, obj, profile.Value is null ? $"{c.Pod.MetadataPath}.annotations" : profile.Path + ".type",
                (profile.AtPod ? "The pod" : $"The {c.Label}") + " disables seccomp (Unconfined): set seccompProfile.type: RuntimeDefault.",
                "seccompProfile: Unconfined", Severity.Medium);
        else if (type is null && annotation is null)
            yield return ManifestRules.Found(Seccomp, obj, profile.Path + ".type",
                profile.Source is SettingSource.UnsetInPod
                    ? "No seccomp profile applies to the pod's containers: set securityContext.seccompProfile.type: RuntimeDefault in the pod."
                    : $"No seccomp profile applies to the {c.Label}: set seccompProfile.type: RuntimeDefault in its or the pod's securityContext.");
    }

    private static IEnumerable<ManifestFinding> ConfinementFindings(ContainerRef c)
    {
        var obj = c.Pod.Object;
        var appArmor = c.Effective("appArmorProfile");
        if (Json.Str(appArmor.Value, "type") == "Unconfined")
            yield return ManifestRules.Found(AppArmorUnconfined, obj, appArmor.Path + ".type",
                (appArmor.AtPod ? "The pod" : $"The {c.Label}") + " disables AppArmor (Unconfined): use RuntimeDefault or remove appArmorProfile.",
                "appArmorProfile: Unconfined");
        else if (c.Pod.Annotation("container.apparmor.security.beta.kubernetes.io/" + c.Name) == "unconfined")
            yield return ManifestRules.Found(AppArmorUnconfined, obj,
                $"{c.Pod.MetadataPath}.annotations[container.apparmor.security.beta.kubernetes.io/{c.Name}]",
                $"The {c.Label} runs without AppArmor (annotation unconfined): remove the annotation or use runtime/default.",
                "apparmor: unconfined");

        var selinux = c.Effective("seLinuxOptions");
        if (selinux.Value is System.Text.Json.Nodes.JsonObject options)
        {
            var problems = new List<string>();
            if (Json.Str(options, "type") is { Length: > 0 } t && !SeLinuxTypes.Contains(t)) problems.Add($"type {t}");
            if (Json.Str(options, "user") is { Length: > 0 } u) problems.Add($"user {u}");
            if (Json.Str(options, "role") is { Length: > 0 } r) problems.Add($"role {r}");
            if (problems.Count > 0)
                yield return ManifestRules.Found(SeLinuxOptions, obj, selinux.Path,
                    (selinux.AtPod ? "The pod" : $"The {c.Label}") + $" sets SELinux {string.Join(", ", problems)}: remove seLinuxOptions (or use type container_t).",
                    string.Join(", ", problems));
        }
    }

    /// <summary><c>CAP_SYS_ADMIN</c> and <c>sys_admin</c> are the same capability to the runtime.</summary>
    private static string Normalize(string capability)
    {
        var c = capability.Trim().ToUpperInvariant();
        return c.StartsWith("CAP_", StringComparison.Ordinal) ? c[4..] : c;
    }
}
