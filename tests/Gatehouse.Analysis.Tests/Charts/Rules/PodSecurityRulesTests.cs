using Gatehouse.Analysis.Pipeline;
using static Gatehouse.Analysis.Tests.Charts.Rules.Manifests;

namespace Gatehouse.Analysis.Tests.Charts.Rules;

public sealed class PodSecurityRulesTests
{
    /// <summary>A container that passes every pod-security rule, to change one setting at a time.</summary>
    private const string Hardened = """
        securityContext:
          runAsNonRoot: true
          runAsUser: 10001
          runAsGroup: 10001
          seccompProfile:
            type: RuntimeDefault
        containers:
          - name: app
            image: registry.example/app@sha256:0000000000000000000000000000000000000000000000000000000000000000
            securityContext:
              allowPrivilegeEscalation: false
              readOnlyRootFilesystem: true
              capabilities:
                drop: [ALL]
        """;

    private static string With(string replace, string by) => Deployment(Hardened.Replace(replace, by, StringComparison.Ordinal));

    private static readonly string[] PodSecurityIds =
        ["k8s.privileged", "k8s.privilege-escalation", "k8s.run-as-non-root", "k8s.root-id", "k8s.low-id", "k8s.read-only-root-fs", "k8s.capabilities",
         "k8s.capability-added", "k8s.dangerous-capability", "k8s.seccomp", "k8s.apparmor-unconfined", "k8s.selinux-options", "k8s.proc-mount", "k8s.unsafe-sysctl"];

    [Fact]
    public void A_restricted_pod_passes_every_pod_security_rule()
    {
        Assert.DoesNotContain(Check(Deployment(Hardened)), f => PodSecurityIds.Contains(f.Rule.Id));
    }

    [Fact]
    public void A_privileged_container_is_named_by_its_field_path()
    {
        var f = Assert.Single(Check(With("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: false\n      privileged: true"), "k8s.privileged"));
        Assert.Equal("spec.template.spec.containers[app].securityContext.privileged", f.Field);
        Assert.Equal(Severity.High, f.Severity ?? f.Rule.DefaultSeverity);
        Assert.Equal("privileged: true", f.Evidence);
        Assert.Contains("remove securityContext.privileged", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Privilege_escalation_unset_is_medium_and_explicitly_true_is_high()
    {
        var unset = Assert.Single(Check(With("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: null"), "k8s.privilege-escalation"));
        Assert.Null(unset.Severity);
        Assert.Equal(Severity.Medium, unset.Rule.DefaultSeverity);
        var on = Assert.Single(Check(With("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true"), "k8s.privilege-escalation"));
        Assert.Equal(Severity.High, on.Severity);
    }

    [Fact]
    public void RunAsNonRoot_set_on_the_pod_is_inherited_by_every_container_kind()
    {
        var yaml = Deployment(Hardened + """

            initContainers:
              - name: setup
                image: registry.example/app@sha256:0000000000000000000000000000000000000000000000000000000000000000
                securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
            """);
        Assert.Empty(Check(yaml, "k8s.run-as-non-root"));
    }

    [Fact]
    public void RunAsNonRoot_missing_everywhere_is_one_finding_on_the_pod()
    {
        var yaml = Deployment(Hardened.Replace("  runAsNonRoot: true\n  runAsUser: 10001\n", "", StringComparison.Ordinal) + """

            initContainers:
              - name: setup
                image: registry.example/app@sha256:0000000000000000000000000000000000000000000000000000000000000000
            """);
        var f = Assert.Single(Check(yaml, "k8s.run-as-non-root"));
        Assert.Equal("spec.template.spec.securityContext.runAsNonRoot", f.Field);
        Assert.Contains("runAsNonRoot: true", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_container_level_runAsNonRoot_false_overrides_the_pod()
    {
        var f = Assert.Single(Check(With("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: false\n      runAsNonRoot: false"), "k8s.run-as-non-root"));
        Assert.Equal("spec.template.spec.containers[app].securityContext.runAsNonRoot", f.Field);
    }

    [Fact]
    public void A_non_zero_runAsUser_without_runAsNonRoot_is_low()
    {
        var f = Assert.Single(Check(With("  runAsNonRoot: true\n", ""), "k8s.run-as-non-root"));
        Assert.Equal(Severity.Low, f.Severity);
    }

    [Fact]
    public void RunAsUser_0_on_the_container_overrides_the_pod_and_is_reported_where_it_is_set()
    {
        var findings = Check(With("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: false\n      runAsUser: 0"), "k8s.root-id");
        var f = Assert.Single(findings);
        Assert.Equal("spec.template.spec.containers[app].securityContext.runAsUser", f.Field);
        Assert.Equal(Severity.Medium, f.Severity);
    }

    [Fact]
    public void Root_groups_on_the_pod_are_low()
    {
        var f = Assert.Single(Check(With("  runAsUser: 10001\n", "  runAsUser: 10001\n  fsGroup: 0\n"), "k8s.root-id"));
        Assert.Equal("spec.template.spec.securityContext.fsGroup", f.Field);
        Assert.Null(f.Severity);
    }

    [Fact]
    public void Ids_at_or_below_10000_or_unset_are_low_and_reported_once_for_the_pod()
    {
        var low = Assert.Single(Check(With("runAsUser: 10001", "runAsUser: 1000"), "k8s.low-id"));
        Assert.Equal(("spec.template.spec.securityContext.runAsUser", Severity.Low), (low.Field, low.Rule.DefaultSeverity));
        Assert.Contains("runs as user 1000", low.Message, StringComparison.Ordinal);
        var unset = Assert.Single(Check(With("  runAsGroup: 10001\n", ""), "k8s.low-id"));
        Assert.Contains("sets no runAsGroup", unset.Message, StringComparison.Ordinal);
        Assert.Empty(Check(With("runAsUser: 10001", "runAsUser: 0"), "k8s.low-id"));
    }

    [Fact]
    public void A_writable_root_filesystem_is_reported()
    {
        var f = Assert.Single(Check(With("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false"), "k8s.read-only-root-fs"));
        Assert.Equal("spec.template.spec.containers[app].securityContext.readOnlyRootFilesystem", f.Field);
    }

    [Fact]
    public void Drop_ALL_missing_is_low_and_case_and_CAP_prefix_do_not_matter()
    {
        Assert.Single(Check(With("drop: [ALL]", "drop: [NET_RAW]"), "k8s.capabilities"));
        Assert.Empty(Check(With("drop: [ALL]", "drop: [all]"), "k8s.capabilities"));
    }

    [Theory]
    [InlineData("SYS_ADMIN")]
    [InlineData("CAP_SYS_ADMIN")]
    [InlineData("NET_RAW")]
    [InlineData("sys_module")]
    public void Dangerous_capabilities_added_are_high(string capability)
    {
        var f = Assert.Single(Check(With("drop: [ALL]", $"drop: [ALL]\n        add: [{capability}]"), "k8s.dangerous-capability"));
        Assert.Equal($"spec.template.spec.containers[app].securityContext.capabilities.add[{capability.ToUpperInvariant().Replace("CAP_", "", StringComparison.Ordinal)}]", f.Field);
        Assert.Empty(Check(With("drop: [ALL]", $"drop: [ALL]\n        add: [{capability}]"), "k8s.capability-added"));
    }

    [Fact]
    public void Other_added_capabilities_are_medium_or_low_within_baseline_and_NET_BIND_SERVICE_is_fine()
    {
        Assert.Empty(Check(With("drop: [ALL]", "drop: [ALL]\n        add: [NET_BIND_SERVICE]"), "k8s.capability-added"));
        Assert.Equal(Severity.Low, Assert.Single(Check(With("drop: [ALL]", "drop: [ALL]\n        add: [CHOWN]"), "k8s.capability-added")).Severity);
        Assert.Null(Assert.Single(Check(With("drop: [ALL]", "drop: [ALL]\n        add: [IPC_LOCK]"), "k8s.capability-added")).Severity);
    }

    [Fact]
    public void Seccomp_missing_is_low_and_unconfined_is_medium()
    {
        var missing = Assert.Single(Check(With("  seccompProfile:\n    type: RuntimeDefault\n", ""), "k8s.seccomp"));
        Assert.Equal("spec.template.spec.securityContext.seccompProfile.type", missing.Field);
        Assert.Null(missing.Severity);
        var unconfined = Assert.Single(Check(With("type: RuntimeDefault", "type: Unconfined"), "k8s.seccomp"));
        Assert.Equal(Severity.Medium, unconfined.Severity);
    }

    [Fact]
    public void A_container_seccomp_profile_overrides_an_unconfined_pod()
    {
        Assert.Empty(Check(With("type: RuntimeDefault", "type: Unconfined").Replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: true\n            seccompProfile: {type: RuntimeDefault}", StringComparison.Ordinal), "k8s.seccomp"));
    }

    [Fact]
    public void AppArmor_unconfined_by_field_or_annotation_is_reported()
    {
        Assert.Single(Check(With("type: RuntimeDefault", "type: RuntimeDefault\n  appArmorProfile:\n    type: Unconfined"), "k8s.apparmor-unconfined"));
        var annotated = Deployment(Hardened).Replace("      labels:\n", "      annotations:\n        container.apparmor.security.beta.kubernetes.io/app: unconfined\n      labels:\n", StringComparison.Ordinal);
        var f = Assert.Single(Check(annotated, "k8s.apparmor-unconfined"));
        Assert.StartsWith("spec.template.metadata.annotations[", f.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void SELinux_type_outside_the_container_types_is_reported()
    {
        Assert.Single(Check(With("type: RuntimeDefault", "type: RuntimeDefault\n  seLinuxOptions:\n    type: spc_t"), "k8s.selinux-options"));
        Assert.Empty(Check(With("type: RuntimeDefault", "type: RuntimeDefault\n  seLinuxOptions:\n    type: container_t\n    level: s0:c1"), "k8s.selinux-options"));
    }

    [Fact]
    public void Unmasked_proc_and_unsafe_sysctls_are_reported_but_safe_sysctls_are_not()
    {
        Assert.Single(Check(With("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: true\n      procMount: Unmasked"), "k8s.proc-mount"));
        var sysctls = With("  runAsUser: 10001\n", "  runAsUser: 10001\n  sysctls:\n    - {name: net.ipv4.tcp_syncookies, value: \"1\"}\n    - {name: kernel.msgmax, value: \"65536\"}\n");
        var f = Assert.Single(Check(sysctls, "k8s.unsafe-sysctl"));
        Assert.Equal("spec.template.spec.securityContext.sysctls[kernel.msgmax]", f.Field);
    }

    [Theory]
    [InlineData("Pod", "spec.containers[app]")]
    [InlineData("StatefulSet", "spec.template.spec.containers[app]")]
    [InlineData("DaemonSet", "spec.template.spec.containers[app]")]
    [InlineData("ReplicaSet", "spec.template.spec.containers[app]")]
    [InlineData("ReplicationController", "spec.template.spec.containers[app]")]
    [InlineData("Job", "spec.template.spec.containers[app]")]
    [InlineData("CronJob", "spec.jobTemplate.spec.template.spec.containers[app]")]
    public void Every_pod_bearing_kind_is_checked(string kind, string containerPath)
    {
        const string spec = """
            containers:
              - name: app
                image: registry.example/app:1
                securityContext: {privileged: true}
            """;
        var yaml = kind switch
        {
            "Pod" => $"apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n{Indent(spec, 2)}",
            "CronJob" => $"apiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: c}}\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n{Indent(spec, 10)}",
            _ => $"apiVersion: apps/v1\nkind: {kind}\nmetadata: {{name: w}}\nspec:\n  template:\n    spec:\n{Indent(spec, 6)}",
        };
        Assert.Equal(containerPath + ".securityContext.privileged", Assert.Single(Check(yaml, "k8s.privileged")).Field);
    }

    [Fact]
    public void Init_and_ephemeral_containers_are_checked_and_named()
    {
        var yaml = Deployment(Hardened + """

            initContainers:
              - name: setup
                image: registry.example/app:1
                securityContext: {privileged: true}
            ephemeralContainers:
              - name: debug
                image: registry.example/app:1
                securityContext: {privileged: true}
            """);
        var fields = Check(yaml, "k8s.privileged").Select(f => f.Field).ToList();
        Assert.Equal(["spec.template.spec.initContainers[setup].securityContext.privileged", "spec.template.spec.ephemeralContainers[debug].securityContext.privileged"], fields);
    }

    [Fact]
    public void Objects_without_pods_and_wrongly_typed_fields_do_not_crash_the_rules()
    {
        Assert.Empty(Check("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}"));
        var broken = Deployment("containers: {name: app}\nsecurityContext: [1]\nvolumes: 3");
        Assert.DoesNotContain(Check(broken), f => PodSecurityIds.Contains(f.Rule.Id));
        Assert.NotEmpty(Check(Deployment("containers:\n  - name: app\n    image: a:1\n    securityContext: {privileged: \"true\", capabilities: {add: SYS_ADMIN}}")));
    }
}
