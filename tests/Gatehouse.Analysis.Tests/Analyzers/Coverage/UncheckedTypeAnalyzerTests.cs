using Gatehouse.Analysis.Analyzers.Coverage;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Tests.Analyzers.Coverage;

/// <summary>An app type whose own checks do not exist yet never passes: a clean Helm chart is incomplete, a clean file still passes.</summary>
public sealed class UncheckedTypeAnalyzerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gh-unchecked-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<ScanReport> ScanAsync(string artifactType)
    {
        var path = Path.Combine(_dir, "chart.tgz");
        await File.WriteAllTextAsync(path, "apiVersion: v2\nname: demo\nversion: 0.1.0\n");
        var policy = Policy.Default with { RequiredEngines = [] };
        var pipeline = new ScanPipeline([new UncheckedTypeAnalyzer()], expander: null, policy, TimeProvider.System);
        return await pipeline.ScanAsync(path, "chart.tgz", artifactType, progress: null, CancellationToken.None);
    }

    [Theory]
    [InlineData("chart")]
    [InlineData("helm-chart")]
    public async Task A_chart_with_nothing_wrong_is_incomplete_because_nothing_checked_it_as_a_chart(string type)
    {
        var report = await ScanAsync(type);

        Assert.Equal(Verdict.Incomplete, report.Verdict);
        Assert.Contains(report.Reasons, r => r.Contains("apptype", StringComparison.Ordinal) && r.Contains("Helm chart checks", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("downloadable")]
    [InlineData("web")]
    [InlineData("container")]
    public async Task Types_with_their_own_checks_are_judged_by_their_findings(string type)
    {
        var report = await ScanAsync(type);

        Assert.Equal(Verdict.Pass, report.Verdict);
    }
}
