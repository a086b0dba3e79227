using Gatehouse.Analysis.Charts;
using Gatehouse.Server.Charts;

namespace Gatehouse.Server.Tests.Charts;

/// <summary>The console's chart section groups findings per rendered object (without a host; the pages render it in <see cref="HelmRepositoryTests"/>).</summary>
public sealed class ChartViewTests
{
    private static ChartView.FindingView F(string rule, string severity = "medium") => new(rule, severity, rule + " found");

    [Fact]
    public void Findings_are_grouped_under_their_object_once_however_many_values_files_rendered_it()
    {
        ChartObjectSummary deployment = new("Deployment", "web", null, "templates/deployment.yaml", "apps/v1");
        ChartObjectSummary service = new("Service", "web", "shop", "templates/service.yaml", "v1");
        var summary = new ChartSummary("web", "1.0.0", "2.0", null, "1.33.0", "v4.1.4",
            [new ChartRender("values.yaml", "rendered", null, "sha256:" + new string('1', 64), [deployment, service]),
             new ChartRender("values-prod.yaml", "rendered", null, "sha256:" + new string('2', 64), [deployment])],
            []);
        var view = ChartView.From(summary,
        [
            ("web-1.0.0.tgz!/templates/deployment.yaml#Deployment/web", F("k8s.privileged", "high")),
            ("web-1.0.0.tgz!/templates/deployment.yaml#Deployment/web", F("k8s.run-as-root")),
            ("web-1.0.0.tgz!/templates/service.yaml#Service/shop/web", F("k8s.nodeport")),
            ("web-1.0.0.tgz!/templates/extra.yaml#ConfigMap/x", F("k8s.secret-in-configmap")),
            ("web-1.0.0.tgz!/Chart.yaml", F("chart.metadata")),
            ("web-1.0.0.tgz!/bin/tool", F("secret.aws-key")),
        ], scanDone: true);

        Assert.Equal(["Deployment/web", "Service/shop/web", "ConfigMap/x"], view.Objects.Select(o => o.Id));
        var d = view.Objects[0];
        Assert.Equal(["values.yaml", "values-prod.yaml"], d.Values);
        Assert.Equal(["k8s.privileged", "k8s.run-as-root"], d.Findings.Select(f => f.RuleId));
        Assert.Equal("k8s.nodeport", Assert.Single(view.Objects[1].Findings).RuleId);
        // A finding about an object no render lists still shows, under its path.
        Assert.Equal(("templates/extra.yaml", "k8s.secret-in-configmap"), (view.Objects[2].Template, Assert.Single(view.Objects[2].Findings).RuleId));
        // The chart's own findings show as the chart's; other engines' findings are left to the scan's findings list.
        Assert.Equal("chart.metadata", Assert.Single(view.ChartFindings).RuleId);
    }

    [Theory]
    [InlineData("high", "sev-high")]
    [InlineData("\" onload=\"x", "sev-unknown")]
    public void Severity_classes_come_from_a_fixed_set(string severity, string css) => Assert.Equal(css, ChartView.SeverityClass(severity));
}
