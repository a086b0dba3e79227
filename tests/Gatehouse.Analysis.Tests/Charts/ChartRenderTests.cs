using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Tests.Support;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Tests.Charts;

/// <summary>A chart is rendered with the real Helm (GATEHOUSE_HELM) and its objects reach the checks; anything that stops a render makes the scan incomplete.</summary>
public sealed class ChartRenderTests
{
    [Fact]
    public async Task A_helm_create_chart_renders_and_its_objects_and_images_are_in_the_summary()
    {
        using var chart = TestChart.Create().Complete();

        var report = await TestChart.ScanAsync(chart.Pack());

        Assert.True(report.Verdict == Verdict.Pass, string.Join("\n", report.Reasons.Concat(report.Findings.Select(f => $"{f.RuleId} {f.Message}"))));
        var summary = Assert.IsType<ChartSummary>(report.Chart);
        Assert.Equal(("demo", "0.1.0", "1.16.0", KubeVersions.Newest), (summary.Name, summary.Version, summary.AppVersion, summary.KubeVersion));
        Assert.StartsWith("v4.", summary.HelmVersion, StringComparison.Ordinal);
        var render = Assert.Single(summary.Renders);
        Assert.Equal(("values.yaml", "rendered"), (render.Values, render.Status));
        Assert.StartsWith("sha256:", render.ValuesDigest, StringComparison.Ordinal);
        Assert.Contains(render.Objects, o => o is { Kind: "Deployment", Name: "release-demo", Template: "templates/deployment.yaml", ApiVersion: "apps/v1" });
        Assert.Contains(render.Objects, o => o is { Kind: "Service", Template: "templates/service.yaml" });
        Assert.Contains(render.Objects, o => o is { Kind: "Pod", Template: "templates/tests/test-connection.yaml" });
        var nginx = Assert.Single(summary.Images, i => i.Reference == "nginx:1.16.0");
        Assert.Null(nginx.Digest);
        Assert.Equal(["templates/deployment.yaml#Deployment/release-demo"], nginx.Objects);
        Assert.Contains(summary.Images, i => i.Reference == "busybox" && i.Objects.Single() == "templates/tests/test-connection.yaml#Pod/release-demo-test-connection");
    }

    [Fact]
    public async Task Without_helm_the_scan_is_incomplete_never_a_pass()
    {
        using var chart = TestChart.Create().Complete();

        var report = await TestChart.ScanAsync(chart.Pack(), settings: new EngineSettings { HelmPath = Path.Combine(chart.Root, "no-helm") });

        Assert.Equal(Verdict.Incomplete, report.Verdict);
        Assert.Contains(report.Analyzers, a => a.Id == "chart" && a.Status == "unavailable");
        Assert.Equal("skipped", Assert.Single(report.Chart!.Renders).Status);
    }
}
