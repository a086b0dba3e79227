using System.Security.Cryptography;
using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Charts.Rules;
using Gatehouse.Analysis.Pipeline;
using static Gatehouse.Fuzz.SeedFiles;

namespace Gatehouse.Fuzz;

/// <summary>
/// Helm charts: the archive reader, and the chart analyzer up to the point where it would start Helm (Chart.yaml, values
/// files, Chart.lock, values.schema.json, kubeVersion, dependencies), and Helm's output into objects with the manifest
/// rules. Documented outcomes: <see cref="ChartException"/> from the reader and the output parser; from the analyzer,
/// findings, then <see cref="EngineUnavailableException"/> (no Helm here, on purpose) or the <see cref="InvalidDataException"/>
/// it throws for a kubeVersion nothing satisfies.
/// </summary>
internal static class ChartHarness
{
    private static readonly ChartPolicy FuzzPolicy = new() { MaxTotalBytes = 4L << 20, MaxFileBytes = 1L << 20, MaxFiles = 500, MaxYamlNodes = 100_000 };

    private static readonly Policy AnalysisPolicy = new() { Charts = FuzzPolicy };

    // A Helm that does not exist: the harness stops where the real Helm would start (the analyzer's documented exit).
    private static readonly ChartAnalyzer Analyzer = new(new EngineSettings { HelmPath = "/nonexistent/gatehouse-fuzz/helm" });

    private const string ChartYaml = """
        apiVersion: v2
        name: demo
        description: A demo chart
        type: application
        version: 1.2.3
        appVersion: "1.2.3"
        kubeVersion: ">=1.25.0-0"
        maintainers:
          - name: Demo Vendor
            email: security@example.test
        sources:
          - https://example.test/demo
        dependencies:
          - name: common
            version: ~2.1.0
            repository: oci://registry.example.test/charts
        annotations:
          gatehouse.dev/values-files: values-prod.yaml
        """;

    private const string ValuesYaml = """
        replicaCount: 2
        image:
          repository: registry.example.test/demo/app
          tag: "1.2.3@sha256:0000000000000000000000000000000000000000000000000000000000000000"
          pullPolicy: IfNotPresent
        securityContext: {runAsNonRoot: true, runAsUser: 10001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}
        resources:
          limits: {cpu: 500m, memory: 256Mi}
        ingress:
          enabled: false
          hosts: [demo.example.test]
        env: &env
          - {name: MODE, value: prod}
        extraEnv: *env
        ports: [8080, 0x1F90, 0o17620]
        flags: [yes, No, ~, 1.5e3, .inf]
        """;

    private const string ChartLock = """
        dependencies:
        - name: common
          repository: oci://registry.example.test/charts
          version: 2.1.4
        digest: sha256:9f2e1f0a5d1e2c5b7a3f4e6d8c9b0a1f2e3d4c5b6a7980f1e2d3c4b5a6978877
        generated: "2024-01-02T03:04:05.000000000Z"
        """;

    private const string Rendered = """
        ---
        # Source: demo/templates/deployment.yaml
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: demo
          labels: {app.kubernetes.io/name: demo}
        spec:
          replicas: 2
          template:
            spec:
              hostNetwork: false
              containers:
                - name: app
                  image: registry.example.test/demo/app:1.2.3
                  securityContext: {privileged: false, runAsNonRoot: true, capabilities: {add: [NET_ADMIN]}}
                  volumeMounts: [{name: data, mountPath: /data}]
              volumes: [{name: data, hostPath: {path: /var/run/docker.sock}}]
        ---
        # Source: demo/templates/service.yaml
        apiVersion: v1
        kind: Service
        metadata: {name: demo}
        spec: {type: NodePort, ports: [{port: 80, targetPort: 8080}]}
        """;

    private static byte[] Chart(string chartYaml, string values, string? chartLock, byte[]? subchart = null)
    {
        var files = new List<(string, byte[])>
        {
            ("demo/Chart.yaml", Utf8(chartYaml)),
            ("demo/values.yaml", Utf8(values)),
            ("demo/values-prod.yaml", Utf8("replicaCount: 3\n")),
            ("demo/values.schema.json", Utf8("""{"type":"object","properties":{"replicaCount":{"type":"integer"}}}""")),
            ("demo/templates/deployment.yaml", Utf8("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n")),
            ("demo/.helmignore", Utf8("*.tmp\n.git/\n")),
        };
        if (chartLock is not null) files.Add(("demo/Chart.lock", Utf8(chartLock)));
        files.Add(("demo/charts/common-2.1.4.tgz", subchart ?? Gzip(Tar([("common/Chart.yaml", Utf8("apiVersion: v2\nname: common\nversion: 2.1.4\ntype: library\n"))]))));
        return Gzip(Tar(files, System.Formats.Tar.TarEntryFormat.Ustar));
    }

    /// <summary><c>ChartArchive.Read</c> on the bytes as a chart .tgz.</summary>
    public static void Archive(byte[] tgz)
    {
        try
        {
            using var s = new MemoryStream(tgz, writable: false);
            ChartArchive.Read(s, FuzzPolicy);
        }
        catch (ChartException)
        {
        }
    }

    /// <summary><c>ChartAnalyzer.AnalyzeAsync</c> on a chart .tgz, up to Helm.</summary>
    public static void Analyze(byte[] tgz)
    {
        var artifact = new ScanFile
        {
            Path = "chart.tgz",
            Length = tgz.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(tgz)),
            Depth = 0,
            Open = () => new MemoryStream(tgz, writable: false),
            Content = tgz,
        };
        var context = new AnalysisContext(AnalysisPolicy, "chart", static _ => { });
        try
        {
            Analyzer.AnalyzeAsync(artifact, context, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
        catch (EngineUnavailableException e) when (e.EngineId == "helm")
        {
        }
        catch (InvalidDataException e) when (e.Message.StartsWith("the chart was not rendered", StringComparison.Ordinal))
        {
        }
    }

    /// <summary>The input is Chart.yaml in an otherwise good chart.</summary>
    public static void ChartYamlFile(byte[] text) => Analyze(Chart(Text(text), ValuesYaml, ChartLock));

    /// <summary>The input is values.yaml in an otherwise good chart.</summary>
    public static void ValuesFile(byte[] text) => Analyze(Chart(ChartYaml, Text(text), ChartLock));

    /// <summary>The input is Chart.lock (Helm 3's requirements lock) in an otherwise good chart.</summary>
    public static void LockFile(byte[] text) => Analyze(Chart(ChartYaml, ValuesYaml, Text(text)));

    /// <summary><c>RenderedOutput.Parse</c> on the input as Helm's output, then <c>ManifestRules.Check</c> on the objects.</summary>
    public static void RenderedManifests(byte[] text)
    {
        try
        {
            var objects = RenderedOutput.Parse(Text(text), "values.yaml", FuzzPolicy);
            _ = ManifestRules.Check(objects, new ManifestCheckOptions("1.33", ">=1.25.0-0")).ToList();
        }
        catch (ChartException)
        {
        }
    }

    private static string Text(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);

    public static IEnumerable<(string, byte[])> ArchiveSeeds()
    {
        yield return ("demo-1.2.3.tgz", Chart(ChartYaml, ValuesYaml, ChartLock));
        yield return ("no-lock.tgz", Chart(ChartYaml, ValuesYaml, null));
    }

    public static IEnumerable<(string, byte[])> ChartYamlSeeds()
    {
        yield return ("Chart.yaml", Utf8(ChartYaml));
        yield return ("library.yaml", Utf8("apiVersion: v2\nname: lib\nversion: 0.1.0\ntype: library\n"));
        yield return ("v1-chart.yaml", Utf8("apiVersion: v1\nname: old\nversion: 1.0.0\nkubeVersion: \"<1.20\"\n"));
    }

    public static IEnumerable<(string, byte[])> ValuesSeeds()
    {
        yield return ("values.yaml", Utf8(ValuesYaml));
    }

    public static IEnumerable<(string, byte[])> LockSeeds()
    {
        yield return ("Chart.lock", Utf8(ChartLock));
    }

    public static IEnumerable<(string, byte[])> RenderedSeeds()
    {
        yield return ("rendered.yaml", Utf8(Rendered));
    }
}
