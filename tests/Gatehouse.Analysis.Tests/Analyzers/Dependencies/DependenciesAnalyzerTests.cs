using System.Text;
using Gatehouse.Analysis.Analyzers.Dependencies;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Tests.Analyzers.Dependencies;

/// <summary>The analyzer on one file, without a pipeline.</summary>
public sealed class DependenciesAnalyzerTests
{
    private static ScanFile File(string path, string content, long? length = null)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        return new ScanFile { Path = path, Length = length ?? bytes.Length, Sha256 = "0", Depth = 1, Open = () => new MemoryStream(bytes) };
    }

    [Fact]
    public async Task Without_an_inventory_it_reads_nothing_and_reports_nothing()
    {
        var findings = new List<Finding>();
        var context = new AnalysisContext(Policy.Default, "downloadable", findings.Add);

        await new DependenciesAnalyzer().AnalyzeAsync(File("a.zip!/package-lock.json", "{ not json"), context, CancellationToken.None);

        Assert.Empty(findings);
    }

    [Fact]
    public async Task A_lockfile_larger_than_the_engine_reads_is_reported_without_reading_it()
    {
        var findings = new List<Finding>();
        var inventory = new PackageInventory();
        var context = new AnalysisContext(Policy.Default, "downloadable", findings.Add) { Packages = inventory };
        var huge = new ScanFile
        {
            Path = "a.zip!/yarn.lock", Length = DependenciesAnalyzer.MaxFileBytes + 1, Sha256 = "0", Depth = 1,
            Open = () => throw new InvalidOperationException("must not be read"),
        };

        await new DependenciesAnalyzer().AnalyzeAsync(huge, context, CancellationToken.None);

        var finding = Assert.Single(findings);
        Assert.Equal(DependenciesAnalyzer.UnreadableRuleId, finding.RuleId);
        Assert.Contains("larger than 64 MiB", finding.Message, StringComparison.Ordinal);
        Assert.Empty(inventory.Snapshot());
    }

    [Fact]
    public async Task A_lockfile_with_a_byte_order_mark_is_read()
    {
        var inventory = new PackageInventory();
        var context = new AnalysisContext(Policy.Default, "downloadable", _ => Assert.Fail("no finding expected")) { Packages = inventory };

        await new DependenciesAnalyzer().AnalyzeAsync(
            File("a.zip!/packages.lock.json", "\uFEFF{\"version\":1,\"dependencies\":{\"net8.0\":{\"Newtonsoft.Json\":{\"type\":\"Direct\",\"resolved\":\"13.0.3\"}}}}"),
            context, CancellationToken.None);

        Assert.Equal("pkg:nuget/Newtonsoft.Json@13.0.3", Assert.Single(inventory.Snapshot()).Purl.ToString());
    }
}
