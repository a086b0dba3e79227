using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Reports;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Cli.Commands;

namespace Gatehouse.Cli.Tests.Check;

/// <summary>
/// <c>gatehouse check</c> on Helm charts (issue 18): a chart folder (packed deterministically) and the chart's <c>helm package</c>
/// give the same report; a chart <c>.tgz</c> is recognised by content; <c>--type chart</c> on anything else, a malformed
/// <c>--approved-images</c> list and <c>--approved-images</c> without a chart are usage errors; without Helm the check is
/// incomplete (exit 3) and says how to name one; SARIF places a finding in its template with the object as a logical location.
/// Scans run with <c>--clamd off</c> and a policy that requires no engine, so the verdict is the chart's.
/// </summary>
public sealed class CheckChartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-checkchart-").FullName;
    private readonly string _policy;

    public CheckChartTests()
    {
        _policy = Path.Combine(_dir, "policy.json");
        File.WriteAllText(_policy, "{ \"requiredEngines\": [] }");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Helm => Environment.GetEnvironmentVariable("GATEHOUSE_HELM") is { Length: > 0 } helm
        ? helm
        : throw new InvalidOperationException("GATEHOUSE_HELM is not set: ./test.sh installs Helm (eng/scripts/helm.sh) and sets it.");

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        var env = new CliEnvironment { Out = o, Err = e, ConfigDirectory = Path.Combine(_dir, "config"), WorkingDirectory = _dir };
        var code = await CliApp.RunAsync(args, env);
        return (code, o.ToString(), e.ToString());
    }

    private Task<(int Code, string Out, string Err)> Check(string path, params string[] more) =>
        Run(["check", path, "--clamd", "off", "--policy", _policy, .. more]);

    private static void Exec(string file, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {err.Result}");
    }

    /// <summary><c>helm create demo</c> with a privileged container, so the report has findings to compare.</summary>
    private string CreateChart()
    {
        Exec(Helm, _dir, "create", "demo");
        var values = Path.Combine(_dir, "demo", "values.yaml");
        File.WriteAllText(values, File.ReadAllText(values).Replace("securityContext: {}\n", "securityContext:\n  privileged: true\n", StringComparison.Ordinal));
        return Path.Combine(_dir, "demo");
    }

    /// <summary>A minimal chart written by hand (no Helm needed to build it).</summary>
    private string WriteChart(string name)
    {
        var dir = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.Combine(dir, "templates"));
        File.WriteAllText(Path.Combine(dir, "Chart.yaml"), $"apiVersion: v2\nname: {name}\nversion: 1.2.3\n");
        File.WriteAllText(Path.Combine(dir, "values.yaml"), "replicas: 1\n");
        File.WriteAllText(Path.Combine(dir, "templates", "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  a: b\n");
        File.WriteAllText(Path.Combine(dir, ".helmignore"), "*.bak\nscratch/\n");
        File.WriteAllText(Path.Combine(dir, "notes.bak"), "ignored");
        Directory.CreateDirectory(Path.Combine(dir, "scratch"));
        File.WriteAllText(Path.Combine(dir, "scratch", "x.txt"), "ignored");
        return dir;
    }

    private static byte[] TarGz(params (string Name, string Content)[] entries)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: true))
            foreach (var (name, content) in entries)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
        return ms.ToArray();
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    private static string[] FindingKeys(JsonElement report) =>
        [.. report.GetProperty("findings").EnumerateArray().Select(f => $"{f.GetProperty("ruleId").GetString()} {f.GetProperty("path").GetString()}").Order(StringComparer.Ordinal)];

    [Fact]
    public async Task A_chart_folder_and_its_helm_package_give_the_same_report()
    {
        var chart = CreateChart();
        Exec(Helm, _dir, "package", "demo");
        var folder = await Check(chart, "--format", "json", "--helm", Helm);
        var packed = await Check(Path.Combine(_dir, "demo-0.1.0.tgz"), "--format", "json", "--helm", Helm);
        var a = Json(folder.Out);
        var b = Json(packed.Out);
        Assert.Equal("demo-0.1.0.tgz", a.GetProperty("artifact").GetProperty("name").GetString());
        Assert.Equal("chart", a.GetProperty("artifact").GetProperty("type").GetString());
        Assert.Equal("chart", b.GetProperty("artifact").GetProperty("type").GetString());
        Assert.Equal(packed.Code, folder.Code);
        Assert.Equal(b.GetProperty("verdict").GetString(), a.GetProperty("verdict").GetString());
        Assert.Equal(FindingKeys(b), FindingKeys(a));
        Assert.Equal(b.GetProperty("chart").GetProperty("renders").GetRawText(), a.GetProperty("chart").GetProperty("renders").GetRawText());
        // The privileged container is reported against its object in its template, in both.
        Assert.Contains(FindingKeys(a), k => k.Contains("!/templates/deployment.yaml#Deployment/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_chart_folder_is_packed_deterministically_without_what_helmignore_excludes()
    {
        var chart = WriteChart("tiny");
        var first = Json((await Check(chart, "--format", "json", "--helm", "/nonexistent/helm")).Out).GetProperty("artifact");
        File.SetLastWriteTimeUtc(Path.Combine(chart, "Chart.yaml"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var second = Json((await Check(chart, "--format", "json", "--helm", "/nonexistent/helm")).Out).GetProperty("artifact");
        Assert.Equal("tiny-1.2.3.tgz", first.GetProperty("name").GetString());
        Assert.Equal(first.GetProperty("sha256").GetString(), second.GetProperty("sha256").GetString());

        var target = Path.Combine(_dir, "tiny.tgz");
        ChartArchive.Pack(chart, target, ChartPolicy.Default);
        Assert.Equal("tiny-1.2.3.tgz", ChartInput.ArtifactName(chart));
        Assert.Equal(first.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(target))));
        using var gz = new GZipStream(File.OpenRead(target), CompressionMode.Decompress);
        using var tar = new TarReader(gz);
        var names = new List<string>();
        while (tar.GetNextEntry() is { } e)
        {
            names.Add(e.Name);
            Assert.Equal(DateTimeOffset.UnixEpoch, e.ModificationTime);
            Assert.Equal(0, ((PosixTarEntry)e).Uid);
        }
        Assert.Equal(["tiny/.helmignore", "tiny/Chart.yaml", "tiny/templates/cm.yaml", "tiny/values.yaml"], names);
        Assert.True(ChartInput.IsChartArchive(target));
    }

    [Fact]
    public async Task A_link_in_a_chart_folder_is_refused_not_followed()
    {
        var chart = WriteChart("linked");
        File.CreateSymbolicLink(Path.Combine(chart, "templates", "passwd.yaml"), "/etc/passwd");
        var r = await Check(chart, "--helm", "/nonexistent/helm");
        Assert.Equal(ExitCodes.Incomplete, r.Code);
        Assert.Contains("chart.unsafe-entry", r.Err, StringComparison.Ordinal);
        Assert.Contains("templates/passwd.yaml is a symbolic link", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chart_archive_is_recognised_by_content()
    {
        string W(string name, byte[] bytes) { var p = Path.Combine(_dir, name); File.WriteAllBytes(p, bytes); return p; }
        Assert.True(ChartInput.IsChartArchive(W("ok.bin", TarGz(("web/Chart.yaml", "name: web"), ("web/values.yaml", "")))));
        Assert.True(ChartInput.IsChartArchive(W("dot.tgz", TarGz(("./web/templates/a.yaml", ""), ("./web/Chart.yaml", "name: web")))));
        Assert.False(ChartInput.IsChartArchive(W("two.tgz", TarGz(("a/values.yaml", ""), ("b/Chart.yaml", "name: b")))));
        Assert.False(ChartInput.IsChartArchive(W("top.tgz", TarGz(("Chart.yaml", "name: x"), ("values.yaml", "")))));
        Assert.False(ChartInput.IsChartArchive(W("deep.tgz", TarGz(("a/b/Chart.yaml", "name: x")))));
        Assert.False(ChartInput.IsChartArchive(W("plain.txt", "apiVersion: v2\n"u8.ToArray())));
        Assert.False(ChartInput.IsChartArchive(W("broken.tgz", [0x1f, 0x8b, 0x08, 0x00, 0x01])));
    }

    [Theory]
    [InlineData("chart")]
    [InlineData("helm-chart")]
    public async Task Type_chart_on_something_else_is_a_usage_error(string type)
    {
        var file = Path.Combine(_dir, "app.tgz");
        File.WriteAllBytes(file, TarGz(("app/index.js", "1")));
        var r = await Check(file, "--type", type);
        Assert.Equal(ExitCodes.Usage, r.Code);
        Assert.Contains("app.tgz is not a Helm chart", r.Err, StringComparison.Ordinal);

        var folder = Directory.CreateDirectory(Path.Combine(_dir, "nochart")).FullName;
        r = await Check(folder, "--type", type);
        Assert.Equal(ExitCodes.Usage, r.Code);
        Assert.Contains("a folder must hold Chart.yaml", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_helm_a_chart_is_incomplete_and_the_output_says_how_to_name_one()
    {
        var chart = WriteChart("nohelm");
        var r = await Check(chart, "--helm", Path.Combine(_dir, "no-such-helm"));
        Assert.Equal(ExitCodes.Incomplete, r.Code);
        Assert.Contains("verdict: INCOMPLETE", r.Out, StringComparison.Ordinal);
        Assert.Contains("--helm PATH or set GATEHOUSE_HELM", r.Out, StringComparison.Ordinal);
        var json = await Check(chart, "--helm", Path.Combine(_dir, "no-such-helm"), "--format", "json");
        Assert.Equal(ExitCodes.Incomplete, json.Code);
        Assert.Equal("incomplete", Json(json.Out).GetProperty("verdict").GetString());
        Assert.Contains("hint: helm:", json.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Approved_images_are_digests_one_a_line_with_comments()
    {
        var a = new string('a', 64);
        var set = ChartInput.ParseApprovedImages(
            ["# approved by security, 2026-12", "", $"sha256:{a}", $"  SHA256:{new string('B', 64)}   # web 1.4", "\t"], "list");
        Assert.Equal([$"sha256:{a}", $"sha256:{new string('b', 64)}"], set.Order(StringComparer.Ordinal));

        var e = Assert.Throws<CliException>(() => ChartInput.ParseApprovedImages([$"sha256:{a}", "nginx:1.27"], "list"));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("list:2", e.Message, StringComparison.Ordinal);
        Assert.Throws<CliException>(() => ChartInput.ParseApprovedImages(["sha256:abc"], "list"));
        Assert.Throws<CliException>(() => ChartInput.ParseApprovedImages([$"sha512:{a}"], "list"));
    }

    [Fact]
    public async Task Approved_images_are_applied_to_the_charts_report()
    {
        var chart = WriteChart("pinned");
        var digest = "sha256:" + new string('d', 64);
        File.WriteAllText(Path.Combine(chart, "templates", "pod.yaml"),
            $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: registry.example/a@{digest}\n    - name: b\n      image: registry.example/b:1.0\n");
        var list = Path.Combine(_dir, "approved.txt");
        File.WriteAllText(list, $"# approved on the gate\n{digest}  # a\n");

        var r = await Check(chart, "--format", "json", "--helm", Helm, "--approved-images", list);
        var notApproved = Json(r.Out).GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("ruleId").GetString() == "chart.image-not-approved").Select(f => f.GetProperty("message").GetString()!).ToList();
        var only = Assert.Single(notApproved);
        Assert.Contains("registry.example/b:1.0", only, StringComparison.Ordinal);

        // Without the list nothing is judged here, and the table says where it is.
        var table = await Check(chart, "--helm", Helm);
        Assert.DoesNotContain("chart.image-not-approved", table.Out, StringComparison.Ordinal);
        Assert.Contains("the gate checks them when the chart is submitted", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_approved_images_list_or_one_without_a_chart_is_a_usage_error()
    {
        var chart = WriteChart("approve");
        var list = Path.Combine(_dir, "approved.txt");
        File.WriteAllText(list, "sha256:nothex\n");
        var r = await Check(chart, "--approved-images", list);
        Assert.Equal(ExitCodes.Usage, r.Code);
        Assert.Contains("approved.txt:1", r.Err, StringComparison.Ordinal);

        File.WriteAllText(list, $"sha256:{new string('c', 64)}\n");
        var file = Path.Combine(_dir, "plain.txt");
        File.WriteAllText(file, "hello");
        r = await Check(file, "--approved-images", list);
        Assert.Equal(ExitCodes.Usage, r.Code);
        Assert.Contains("--approved-images needs a Helm chart", r.Err, StringComparison.Ordinal);

        r = await Check(chart, "--approved-images", Path.Combine(_dir, "missing.txt"));
        Assert.Equal(ExitCodes.Usage, r.Code);
    }

    private static ScanReport ChartReport(params Finding[] findings)
    {
        var obj = new ChartObjectSummary("Deployment", "web", null, "templates/deployment.yaml", "apps/v1");
        var chart = new ChartSummary("web", "1.0.0", "2.1", null, "1.35", "v4.1.4",
            [new ChartRender("values.yaml", "rendered", null, "sha256:" + new string('1', 64), [obj]),
             new ChartRender("ci/prod-values.yaml", "failed", "template: web/templates/x.yaml:3: nil pointer", null, [])],
            [new ChartImageUse("registry.example.com/web:2.1", null, ["templates/deployment.yaml#Deployment/web"])]);
        return new ScanReport(ScanReport.CurrentSchemaVersion, "gatehouse", "1.0.0", new ArtifactInfo("web-1.0.0.tgz", new string('0', 64), 10, "chart", null),
            Verdict.Reject, ["1 high finding"], findings, [], new ScanStats(1, 10, 1, 5, ScanStats.CountBySeverity(findings))) { Chart = chart };
    }

    private static Finding F(string rule, string path, string message) =>
        new(rule, Severity.High, path, message, Fingerprints.Of(rule, path, message)) { AnalyzerId = "chart" };

    [Fact]
    public void Sarif_places_a_chart_finding_in_its_template_with_the_object_as_a_logical_location()
    {
        var report = ChartReport(
            F("k8s.privileged", "web-1.0.0.tgz!/templates/deployment.yaml#Deployment/web", "container web is privileged"),
            F("chart.metadata", "web-1.0.0.tgz!/Chart.yaml", "bad"));
        var sarif = Json(ReportSarif.Serialize(report, []));
        var results = sarif.GetProperty("runs")[0].GetProperty("results");
        var located = results[0].GetProperty("locations")[0];
        Assert.Equal("web-1.0.0.tgz!/templates/deployment.yaml",
            located.GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
        var logical = located.GetProperty("logicalLocations")[0];
        Assert.Equal("Deployment/web", logical.GetProperty("fullyQualifiedName").GetString());
        Assert.Equal("web", logical.GetProperty("name").GetString());
        // A finding about the chart as a whole keeps its file and has no object.
        var whole = results[1].GetProperty("locations")[0];
        Assert.Equal("web-1.0.0.tgz!/Chart.yaml", whole.GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.False(whole.TryGetProperty("logicalLocations", out _));
    }

    [Fact]
    public void The_table_lists_each_render_and_groups_findings_per_object()
    {
        var report = ChartReport(
            F("k8s.privileged", "web-1.0.0.tgz!/templates/deployment.yaml#Deployment/web", "container web is privileged"),
            F("k8s.host-namespace", "web-1.0.0.tgz!/templates/deployment.yaml#Deployment/web", "hostNetwork: true"),
            F("k8s.node-port", "web-1.0.0.tgz!/templates/service.yaml#Service/web", "NodePort"),
            F("chart.metadata", "web-1.0.0.tgz!/Chart.yaml", "bad"));
        using var o = new StringWriter();
        CheckChartTable.Write(o, report, report.Chart!, "images: not checked against approved images here");
        var lines = o.ToString().Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.Contains(lines, l => l.StartsWith("values.yaml", StringComparison.Ordinal) && l.Contains("rendered  1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ci/prod-values.yaml", StringComparison.Ordinal) && l.Contains("failed", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("nil pointer", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("registry.example.com/web:2.1  (no digest)", StringComparison.Ordinal));
        var chartHeading = lines.IndexOf("chart");
        var deployment = lines.IndexOf("Deployment/web  (templates/deployment.yaml)");
        var service = lines.IndexOf("Service/web  (templates/service.yaml)");
        Assert.True(chartHeading >= 0 && deployment > chartHeading && service > deployment, o.ToString());
        // Both findings of the Deployment sit under its heading, before the Service's.
        Assert.Contains("k8s.privileged", lines[deployment + 1], StringComparison.Ordinal);
        Assert.Contains("k8s.host-namespace", lines[deployment + 2], StringComparison.Ordinal);
    }
}
