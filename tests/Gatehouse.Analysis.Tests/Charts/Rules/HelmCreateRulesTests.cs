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
}
