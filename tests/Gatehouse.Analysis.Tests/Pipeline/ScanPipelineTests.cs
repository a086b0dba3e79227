using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Reports;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Tests.Pipeline;

/// <summary>The orchestration rules: isolation, fail-closed verdicts, policy overrides.</summary>
public sealed class ScanPipelineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-pipeline-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly Policy NoEngines = Policy.Default with { RequiredEngines = [] };

    private string Sample(string content = "hello")
    {
        var p = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        File.WriteAllText(p, content);
        return p;
    }

    private sealed class Reporting(string id, Severity severity, string rule = "test.rule") : IFileAnalyzer
    {
        public string Id => id;
        public string Version => "1";
        public IReadOnlyList<RuleDescriptor> Rules => [new(rule, "t", severity, "GH-TEST-1", "d")];
        public int Calls;
        public ValueTask AnalyzeAsync(ScanFile file, AnalysisContext context, CancellationToken ct)
        {
            Calls++;
            context.Report(new Finding(rule, severity, file.Path, "found", Fingerprints.Of(rule, file.Path, file.Sha256)));
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Throwing(Exception ex, string id = "boom") : IFileAnalyzer
    {
        public string Id => id;
        public string Version => "1";
        public IReadOnlyList<RuleDescriptor> Rules => [];
        public int Calls;
        public ValueTask AnalyzeAsync(ScanFile file, AnalysisContext context, CancellationToken ct)
        {
            Calls++;
            throw ex;
        }
    }

    /// <summary>An expander whose members are small files with the given names.</summary>
    private sealed class Expanding(string[] names, Func<string, string> sample) : IArtifactExpander
    {
        public string Id => "archive";
        public string Version => "1";
        public IReadOnlyList<RuleDescriptor> Rules => [];
        public async Task ExpandAsync(ScanFile root, Func<ScanFile, CancellationToken, ValueTask> onMember, Action<Finding> report, CancellationToken ct)
        {
            foreach (var name in names)
            {
                var p = sample(name);
                await onMember(new ScanFile { Path = root.Path + "!/" + name, Length = 1, Sha256 = name, Depth = 1, Open = () => File.OpenRead(p) }, ct);
            }
        }
    }

    private static ScanPipeline Pipeline(Policy policy, params IFileAnalyzer[] analyzers) =>
        new(analyzers, null, policy, TimeProvider.System);

    [Theory]
    [InlineData(Severity.Critical, Verdict.Reject)]
    [InlineData(Severity.High, Verdict.Reject)]
    [InlineData(Severity.Medium, Verdict.Review)]
    [InlineData(Severity.Low, Verdict.Pass)]
    [InlineData(Severity.Info, Verdict.Pass)]
    public async Task The_default_policy_maps_the_worst_severity_to_a_verdict(Severity severity, Verdict expected)
    {
        var report = await Pipeline(NoEngines, new Reporting("a", severity)).ScanAsync(Sample(), "app.bin", "downloadable", null, CancellationToken.None);
        Assert.Equal(expected, report.Verdict);
    }

    [Fact]
    public async Task An_analyzer_that_throws_makes_the_verdict_incomplete_and_the_others_still_run()
    {
        var after = new Reporting("after", Severity.Low);
        var report = await Pipeline(NoEngines, new Throwing(new InvalidDataException("bad parse")), after)
            .ScanAsync(Sample(), "app.bin", "downloadable", null, CancellationToken.None);
        Assert.Equal(Verdict.Incomplete, report.Verdict);
        Assert.Equal(1, after.Calls);
        var run = Assert.Single(report.Analyzers, a => a.Id == "boom");
        Assert.Equal("failed", run.Status);
        Assert.Contains("bad parse", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_critical_finding_does_not_hide_an_analyzer_failure()
    {
        var report = await Pipeline(NoEngines, new Reporting("a", Severity.Critical), new Throwing(new IOException("x")))
            .ScanAsync(Sample(), "app.bin", "downloadable", null, CancellationToken.None);
        Assert.Equal(Verdict.Incomplete, report.Verdict);
        Assert.Single(report.Findings);
    }

    [Fact]
    public async Task An_unavailable_engine_is_recorded_as_such_and_not_called_again()
    {
        var engine = new Throwing(new EngineUnavailableException("clamd: connection refused"), "malware.clamav");
        var files = new[] { "a", "b", "c" };
        var report = await new ScanPipeline([engine], new Expanding(files, Sample), Policy.Default with { RequiredEngines = ["clamav"] }, TimeProvider.System)
            .ScanAsync(Sample(), "app.zip", "downloadable", null, CancellationToken.None);
        Assert.Equal(Verdict.Incomplete, report.Verdict);
        Assert.Equal(1, engine.Calls);
        Assert.Equal("unavailable", report.Analyzers.Single(a => a.Id == "malware.clamav").Status);
        Assert.Equal(4, report.Stats.Files);
    }

    [Fact]
    public async Task A_required_engine_that_is_not_configured_makes_the_verdict_incomplete()
    {
        var report = await Pipeline(Policy.Default with { RequiredEngines = ["clamav"] }, new Reporting("a", Severity.Info))
            .ScanAsync(Sample(), "app.bin", "downloadable", null, CancellationToken.None);
        Assert.Equal(Verdict.Incomplete, report.Verdict);
        Assert.Contains(report.Reasons, r => r.Contains("clamav", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Policy_severity_overrides_apply_before_the_verdict()
    {
        var policy = NoEngines with { SeverityOverrides = new Dictionary<string, Severity> { ["test.rule"] = Severity.Low } };
        var report = await Pipeline(policy, new Reporting("a", Severity.Critical)).ScanAsync(Sample(), "app.bin", "downloadable", null, CancellationToken.None);
        Assert.Equal(Verdict.Pass, report.Verdict);
        Assert.Equal(Severity.Low, report.Findings.Single().Severity);
    }

    [Fact]
    public async Task The_same_content_gives_the_same_fingerprints_on_a_rescan()
    {
        var path = Sample("same content");
        var a = await Pipeline(NoEngines, new Reporting("a", Severity.Medium)).ScanAsync(path, "app.bin", "downloadable", null, CancellationToken.None);
        var b = await Pipeline(NoEngines, new Reporting("a", Severity.Medium)).ScanAsync(path, "app.bin", "downloadable", null, CancellationToken.None);
        Assert.Equal(a.Findings.Select(f => f.Fingerprint), b.Findings.Select(f => f.Fingerprint));
    }

    [Fact]
    public async Task A_scan_over_its_time_budget_is_incomplete()
    {
        var slow = new Slow();
        var report = await Pipeline(NoEngines with { MaxScanTime = TimeSpan.FromMilliseconds(200) }, slow)
            .ScanAsync(Sample(), "app.bin", "downloadable", null, CancellationToken.None);
        Assert.Equal(Verdict.Incomplete, report.Verdict);
        Assert.Contains(report.Analyzers, a => a.Status == "failed" && a.Error!.Contains("budget", StringComparison.Ordinal));
    }

    private sealed class Slow : IFileAnalyzer
    {
        public string Id => "slow";
        public string Version => "1";
        public IReadOnlyList<RuleDescriptor> Rules => [];
        public async ValueTask AnalyzeAsync(ScanFile file, AnalysisContext context, CancellationToken ct) => await Task.Delay(TimeSpan.FromSeconds(30), ct);
    }

    [Fact]
    public async Task The_report_serialises_to_json_and_sarif_with_the_verdict()
    {
        var report = await Pipeline(NoEngines, new Reporting("a", Severity.High)).ScanAsync(Sample(), "my app.zip", "downloadable", null, CancellationToken.None);
        var json = ReportJson.Serialize(report);
        Assert.Contains("\"verdict\": \"reject\"", json, StringComparison.Ordinal);
        Assert.Contains("\"fingerprint\"", json, StringComparison.Ordinal);
        var sarif = System.Text.Json.JsonDocument.Parse(ReportSarif.Serialize(report, [new RuleDescriptor("test.rule", "t", Severity.High, "GH-TEST-1", "d")])).RootElement;
        Assert.Equal("2.1.0", sarif.GetProperty("version").GetString());
        var result = sarif.GetProperty("runs")[0].GetProperty("results")[0];
        Assert.Equal("error", result.GetProperty("level").GetString());
        Assert.Equal("my%20app.zip", result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
    }
}
