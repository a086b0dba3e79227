using System.Diagnostics;

namespace Gatehouse.Server.Tests.Charts;

/// <summary>
/// The real Helm (<c>GATEHOUSE_HELM</c>, which test.sh sets) with a home of its own (cache, config and data under a temporary
/// folder), so tests neither read nor change the machine's Helm repositories. Builds the test charts with <c>helm create</c>
/// and <c>helm package</c>.
/// </summary>
internal sealed class TestHelm : IDisposable
{
    public TestHelm()
    {
        Binary = Environment.GetEnvironmentVariable("GATEHOUSE_HELM") is { Length: > 0 } helm && File.Exists(helm)
            ? helm
            : throw new InvalidOperationException("GATEHOUSE_HELM is not set to the Helm binary; ./test.sh installs Helm (eng/scripts/helm.sh) and sets it.");
        Home = Directory.CreateTempSubdirectory("gatehouse-helm-").FullName;
    }

    public string Binary { get; }

    /// <summary>The temporary folder: Helm's home, and where charts are built and pulled.</summary>
    public string Home { get; }

    public sealed record Run(int ExitCode, string Out, string Err);

    /// <summary>Runs helm (at most 60 s) with the private home.</summary>
    public async Task<Run> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Home };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = Home;
        psi.Environment["HELM_CACHE_HOME"] = Path.Combine(Home, ".cache");
        psi.Environment["HELM_CONFIG_HOME"] = Path.Combine(Home, ".config");
        psi.Environment["HELM_DATA_HOME"] = Path.Combine(Home, ".data");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"helm {string.Join(' ', args)} did not finish");
        }
        return new Run(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// <c>helm create NAME</c>, hardened (non-root, read-only root file system, no privilege escalation, all capabilities
    /// dropped, seccomp RuntimeDefault, resources, no service account token) and with its image pinned to
    /// <paramref name="imageDigest"/> (the template names <c>repository@digest</c>), without the test pod, then
    /// <c>helm package</c>: the path of <c>NAME-0.1.0.tgz</c>.
    /// </summary>
    public async Task<string> PackageAsync(string name, string repository, string imageDigest)
    {
        Check(await RunAsync("create", name));
        var chart = Path.Combine(Home, name);
        Directory.Delete(Path.Combine(chart, "templates", "tests"), recursive: true);
        var deployment = Path.Combine(chart, "templates", "deployment.yaml");
        var template = await File.ReadAllTextAsync(deployment);
        template = template.Replace("\"{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}\"",
            "\"{{ .Values.image.repository }}@{{ .Values.image.digest }}\"", StringComparison.Ordinal);
        template = template.Replace("      serviceAccountName:", "      automountServiceAccountToken: false\n      serviceAccountName:", StringComparison.Ordinal);
        await File.WriteAllTextAsync(deployment, template);
        await File.WriteAllTextAsync(Path.Combine(chart, "values.yaml"), $$"""
            replicaCount: 1
            image:
              repository: {{repository}}
              digest: "{{imageDigest}}"
              pullPolicy: IfNotPresent
            imagePullSecrets: []
            nameOverride: ""
            fullnameOverride: ""
            serviceAccount:
              create: true
              automount: false
              annotations: {}
              name: ""
            podAnnotations: {}
            podLabels: {}
            podSecurityContext:
              runAsNonRoot: true
              runAsUser: 10001
              runAsGroup: 10001
              seccompProfile:
                type: RuntimeDefault
            securityContext:
              allowPrivilegeEscalation: false
              readOnlyRootFilesystem: true
              runAsNonRoot: true
              runAsUser: 10001
              runAsGroup: 10001
              capabilities:
                drop: [ALL]
              seccompProfile:
                type: RuntimeDefault
            service:
              type: ClusterIP
              port: 80
            ingress:
              enabled: false
            httpRoute:
              enabled: false
            resources:
              limits: {cpu: 100m, memory: 128Mi}
              requests: {cpu: 100m, memory: 128Mi}
            livenessProbe:
              httpGet: {path: /, port: http}
            readinessProbe:
              httpGet: {path: /, port: http}
            autoscaling:
              enabled: false
            volumes: []
            volumeMounts: []
            nodeSelector: {}
            tolerations: []
            affinity: {}

            """);
        var out_ = Path.Combine(Home, "packaged");
        Check(await RunAsync("package", chart, "-d", out_));
        return Path.Combine(out_, $"{name}-0.1.0.tgz");
    }

    public static Run Check(Run r)
    {
        Assert.True(r.ExitCode == 0, $"helm failed ({r.ExitCode}): {r.Err}{r.Out}");
        return r;
    }

    public void Dispose() => Directory.Delete(Home, recursive: true);
}
