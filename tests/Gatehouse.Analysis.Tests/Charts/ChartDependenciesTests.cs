using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Tests.Support;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Tests.Charts;

/// <summary>Dependencies are bundled and locked, and Chart.lock's digest is the one the real Helm computes.</summary>
public sealed class ChartDependenciesTests
{
    /// <summary>demo depending on a bundled sub-chart <c>sub</c> through <c>file://../sub</c>, locked by <c>helm dependency update</c>.</summary>
    private static readonly Lazy<TestChart> LockedOnce = new(() =>
    {
        var chart = TestChart.Create().Complete();
        chart.RunHelm("create", "sub");
        chart.AppendChartYaml("dependencies:\n  - name: sub\n    version: \">=0.1.0 <1.0.0\"\n    repository: file://../sub\n    condition: sub.enabled\n    tags: [backend]\n    import-values:\n      - child: service\n        parent: subService");
        chart.RunHelm("dependency", "update", "demo");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => chart.Dispose();
        return chart;
    });

    private static TestChart Locked() => TestChart.CopyOf(LockedOnce.Value);

    [Fact]
    public void Our_digest_of_Chart_yaml_and_Chart_lock_is_the_one_the_real_helm_wrote()
    {
        using var chart = Locked();
        var yaml = new ChartYaml(10_000);
        var meta = (JsonObject)yaml.ReadOne(chart.Read("Chart.yaml"))!;
        var lockDoc = (JsonObject)yaml.ReadOne(chart.Read("Chart.lock"))!;

        var digest = ChartDependencies.HashReq((JsonArray)meta["dependencies"]!, (JsonArray)lockDoc["dependencies"]!);

        Assert.Equal(lockDoc["digest"]!.ToString(), digest);
    }

    [Fact]
    public async Task A_chart_whose_dependency_is_bundled_and_locked_has_no_dependency_finding_and_renders_the_sub_chart()
    {
        using var chart = Locked();
        Assert.True(File.Exists(Path.Combine(chart.Dir, "charts", "sub-0.1.0.tgz")));

        var report = await TestChart.ScanAsync(chart.Pack());

        Assert.DoesNotContain(report.Findings, f => f.RuleId == ChartRules.DependenciesUnlocked.Id);
        Assert.Contains(report.Chart!.Renders[0].Objects, o => o.Template == "charts/sub/templates/deployment.yaml");
        Assert.Equal(Verdict.Pass, report.Verdict);
    }

    [Fact]
    public async Task A_Chart_lock_out_of_date_with_Chart_yaml_is_a_finding()
    {
        using var chart = Locked();
        chart.Replace("Chart.yaml", ">=0.1.0 <1.0.0", ">=0.1.0 <2.0.0");

        var report = await TestChart.ScanAsync(chart.Pack());

        var f = Assert.Single(report.Findings, f => f.RuleId == ChartRules.DependenciesUnlocked.Id);
        Assert.Contains("out of date", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bundled_version_outside_the_range_or_not_the_locked_one_is_a_finding()
    {
        using var chart = Locked();
        chart.Replace("Chart.lock", "version: 0.1.0", "version: 0.2.0");
        chart.Replace("Chart.yaml", ">=0.1.0 <1.0.0", ">=0.2.0");

        var report = await TestChart.ScanAsync(chart.Pack());

        var messages = report.Findings.Where(f => f.RuleId == ChartRules.DependenciesUnlocked.Id).Select(f => f.Message).ToList();
        Assert.Contains(messages, m => m.Contains("requires >=0.2.0 but charts/sub-0.1.0.tgz is version 0.1.0", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("locks sub at 0.2.0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dependency_that_is_not_bundled_or_not_locked_is_a_finding()
    {
        using var chart = TestChart.Create().Complete();
        chart.AppendChartYaml("dependencies:\n  - name: redis\n    version: 18.x\n    repository: https://charts.example.com");

        var report = await TestChart.ScanAsync(chart.Pack());

        var messages = report.Findings.Where(f => f.RuleId == ChartRules.DependenciesUnlocked.Id).Select(f => f.Message).ToList();
        Assert.Contains(messages, m => m.Contains("no Chart.lock", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("redis (18.x) is not bundled", StringComparison.Ordinal));
    }

    [Fact]
    public void Go_json_escapes_html_characters_as_helm_hashes_them()
    {
        var sb = new StringBuilder();
        ChartDependencies.GoString(sb, "<&>\"\\\n\u2028é");
        Assert.Equal("\"\\u003c\\u0026\\u003e\\\"\\\\\\n\\u2028é\"", sb.ToString());
    }
}
