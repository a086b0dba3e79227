using System.Diagnostics;
using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Pipeline;
using Xunit.Abstractions;

namespace Gatehouse.Analysis.Tests.Charts.Rules;

/// <summary>
/// The rules on the real <c>helm create</c> chart rendered by the real Helm (<c>GATEHOUSE_HELM</c>, set by test.sh): the
/// plain chart gets the findings Trivy also reports for it, and the same chart hardened the way the docs say passes with
/// nothing of medium or above.
/// </summary>
public sealed class HelmCreateRulesTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-h2-").FullName;

    private static readonly string Digest = "sha256:" + new string('1', 64);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Helm => Environment.GetEnvironmentVariable("GATEHOUSE_HELM") is { Length: > 0 } helm
        ? helm
        : throw new InvalidOperationException("GATEHOUSE_HELM is not set: run eng/scripts/helm.sh and export its output (test.sh does)");

    private string Run(params string[] args)
    {
        var start = new ProcessStartInfo(Helm) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
        foreach (var a in args) start.ArgumentList.Add(a);
        // Keep Helm's caches and config inside the test's folder.
        foreach (var v in new[] { "HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME" }) start.Environment[v] = Path.Combine(_dir, ".helm");
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), "helm did not finish in 60 s");
        Assert.True(p.ExitCode == 0, $"helm {string.Join(' ', args)} failed: {stderr.Result}");
        return stdout.Result;
    }

    private IReadOnlyList<ManifestFinding> Render()
    {
        var objects = Manifests.Parse(Run("template", "rel", Path.Combine(_dir, "demo")));
        var findings = Gatehouse.Analysis.Charts.Rules.ManifestRules.Check(objects, new ManifestCheckOptions("1.35")).ToList();
        foreach (var f in findings) output.WriteLine($"{f.Object.Id} {f.Rule.Id} {f.Severity ?? f.Rule.DefaultSeverity} {f.Field}");
        return findings;
    }

    private static string[] RulesOf(IReadOnlyList<ManifestFinding> findings, string objectId) =>
        [.. findings.Where(f => f.Object.Id == objectId).Select(f => f.Rule.Id).Distinct().Order(StringComparer.Ordinal)];

    [Fact]
    public void The_plain_helm_create_chart_gets_the_findings_of_a_default_security_context()
    {
        Run("create", "demo");
        var findings = Render();

        Assert.Equal(
            ["chart.image-not-pinned", "k8s.capabilities", "k8s.low-id", "k8s.network-policy", "k8s.privilege-escalation", "k8s.read-only-root-fs",
             "k8s.resources", "k8s.run-as-non-root", "k8s.seccomp", "k8s.service-account-token"],
            RulesOf(findings, "Deployment/rel-demo"));
        // The test hook: busybox without a tag, the namespace's default service account; no probes or policy for a hook.
        Assert.Equal(
            ["chart.image-not-pinned", "k8s.capabilities", "k8s.image-tag", "k8s.low-id", "k8s.privilege-escalation", "k8s.read-only-root-fs",
             "k8s.resources", "k8s.run-as-non-root", "k8s.seccomp", "k8s.service-account-token"],
            RulesOf(findings, "Pod/rel-demo-test-connection"));
        Assert.Contains(findings, f => f.Rule.Id == "k8s.privilege-escalation" && f.Field == "spec.template.spec.containers[demo].securityContext.allowPrivilegeEscalation");
        Assert.Contains(findings, f => f.Rule.Id == "k8s.run-as-non-root" && f.Field == "spec.template.spec.securityContext.runAsNonRoot");
        Assert.Equal("templates/deployment.yaml", findings.First(f => f.Object.Kind == "Deployment").Object.Template);
    }

    [Fact]
    public void The_helm_create_chart_hardened_as_the_docs_say_has_nothing_of_medium_or_above()
    {
        Run("create", "demo");
        var chart = Path.Combine(_dir, "demo");
        var values = File.ReadAllText(Path.Combine(chart, "values.yaml"));
        foreach (var (from, to) in new[]
        {
            ("  repository: nginx\n", "  repository: registry.example/nginx\n"),
            ("  tag: \"\"\n", $"  tag: \"1.27.0@{Digest}\"\n"),
            ("  automount: true\n", "  automount: false\n"),
            ("\npodSecurityContext: {}\n", "\npodSecurityContext: {runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: {type: RuntimeDefault}}\n"),
            ("\nsecurityContext: {}\n", "\nsecurityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}\n"),
            ("\nresources: {}\n", "\nresources: {requests: {cpu: 50m, memory: 64Mi}, limits: {cpu: 200m, memory: 128Mi}}\n"),
        })
        {
            Assert.Contains(from, values, StringComparison.Ordinal);
            values = values.Replace(from, to, StringComparison.Ordinal);
        }
        File.WriteAllText(Path.Combine(chart, "values.yaml"), values);
        File.WriteAllText(Path.Combine(chart, "templates", "networkpolicy.yaml"), """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: {{ include "demo.fullname" . }}
            spec:
              podSelector:
                matchLabels:
                  {{- include "demo.selectorLabels" . | nindent 6 }}
              policyTypes: [Ingress]
              ingress:
                - ports:
                    - port: http
            """);
        File.WriteAllText(Path.Combine(chart, "templates", "tests", "test-connection.yaml"), $$$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: "{{ include "demo.fullname" . }}-test-connection"
              annotations:
                "helm.sh/hook": test
            spec:
              automountServiceAccountToken: false
              securityContext: {runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: {type: RuntimeDefault}}
              containers:
                - name: wget
                  image: registry.example/busybox:1.37@{{{Digest}}}
                  command: ['wget']
                  args: ['{{ include "demo.fullname" . }}:{{ .Values.service.port }}']
                  securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
                  resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 100m, memory: 32Mi}}
              restartPolicy: Never
            """);

        var findings = Render();

        Assert.DoesNotContain(findings, f => (f.Severity ?? f.Rule.DefaultSeverity) >= Severity.Medium);
        Assert.Empty(findings);
    }

    /// <summary>
    /// A chart with one of nearly every misconfiguration, rendered by Helm. Trivy (npm cdxgen plugin build, <c>trivy config</c>)
    /// reports on it KSV-0001/2/3/5/6/8/9/10/11/12/14/15/16/17/18/20/21/22/23/24/25/26/27/30/37/41/44/46/53/104/105/106/108/
    /// 109/111/116 and 01010; each has its rule here (docs/rules map them).
    /// </summary>
    [Fact]
    public void A_misconfigured_chart_gets_a_finding_for_each_misconfiguration()
    {
        Run("create", "demo");
        var chart = Path.Combine(_dir, "demo");
        Directory.Delete(Path.Combine(chart, "templates"), recursive: true);
        Directory.CreateDirectory(Path.Combine(chart, "templates"));
        File.WriteAllText(Path.Combine(chart, "templates", "all.yaml"), """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: agent
              namespace: kube-system
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata:
                  labels: {app: agent}
                  annotations:
                    container.apparmor.security.beta.kubernetes.io/agent: unconfined
                spec:
                  hostNetwork: true
                  hostPID: true
                  hostIPC: true
                  securityContext:
                    runAsUser: 0
                    sysctls: [{name: kernel.msgmax, value: "65536"}]
                    seccompProfile: {type: Unconfined}
                  containers:
                    - name: agent
                      image: 127.0.0.1:5000/agent:latest
                      env:
                        - name: DB_PASSWORD
                          value: hunter2-prod
                      ports: [{containerPort: 80, hostPort: 80}]
                      securityContext:
                        privileged: true
                        allowPrivilegeEscalation: true
                        procMount: Unmasked
                        seLinuxOptions: {type: spc_t}
                        capabilities: {add: [SYS_ADMIN, NET_RAW, SYS_MODULE, IPC_LOCK]}
                      volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]
                  volumes:
                    - name: sock
                      hostPath: {path: /var/run/docker.sock}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: all}
            rules:
              - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
              - {apiGroups: [""], resources: [secrets], verbs: [get, list]}
              - {apiGroups: [""], resources: [pods/exec], verbs: [create]}
              - {apiGroups: [""], resources: [users, groups], verbs: [impersonate]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: all}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
            subjects:
              - {kind: Group, name: "system:anonymous", apiGroup: rbac.authorization.k8s.io}
              - {kind: Group, name: "system:masters", apiGroup: rbac.authorization.k8s.io}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: svc}
            spec:
              type: LoadBalancer
              externalIPs: [203.0.113.7]
              ports: [{port: 80}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: cfg}
            data:
              ADMIN_PASSWORD: s3cure-Pa55word-x
              aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz9a8b7c6d
            """);

        var findings = Render();

        Assert.Equal(
            new[] { "k8s.apparmor-unconfined", "k8s.capabilities", "k8s.capability-added", "k8s.dangerous-capability", "k8s.host-namespace",
             "k8s.host-path", "k8s.host-port", "k8s.image-tag", "chart.image-not-pinned", "k8s.kube-system", "k8s.low-id", "k8s.privilege-escalation",
             "k8s.privileged", "k8s.proc-mount", "k8s.read-only-root-fs", "k8s.resources", "k8s.root-id", "k8s.run-as-non-root",
             "k8s.seccomp", "k8s.secret-in-env", "k8s.selinux-options", "k8s.unsafe-sysctl", "k8s.network-policy", "k8s.probes", "k8s.service-account-token" }
                .Order(StringComparer.Ordinal),
            RulesOf(findings, "DaemonSet/kube-system/agent"));
        Assert.Equal(["k8s.rbac-escalation", "k8s.rbac-secrets", "k8s.rbac-wildcard"], RulesOf(findings, "ClusterRole/all"));
        Assert.Equal(["k8s.cluster-admin-binding", "k8s.rbac-system-binding"], RulesOf(findings, "ClusterRoleBinding/all"));
        Assert.Equal(["k8s.service-exposed", "k8s.service-external-ips"], RulesOf(findings, "Service/svc"));
        Assert.Equal(["k8s.secret-in-configmap"], RulesOf(findings, "ConfigMap/cfg"));
        Assert.Equal(Severity.Critical, findings.Single(f => f.Rule.Id == "k8s.host-path").Severity);
        Assert.Equal(Severity.Critical, findings.Single(f => f.Rule.Id == "k8s.cluster-admin-binding").Severity);
        Assert.Equal(2, findings.Count(f => f.Rule.Id == "k8s.rbac-system-binding"));
        Assert.Equal(3, findings.Count(f => f.Rule.Id == "k8s.dangerous-capability"));
    }
}
