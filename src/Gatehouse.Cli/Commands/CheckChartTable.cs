using System.Globalization;
using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// The table of <c>gatehouse check</c> for a Helm chart: the chart, each render (values file, status, objects), the images it
/// references, then the findings grouped per rendered object (the part of the path after <c>#</c>, as the console groups them),
/// findings about the chart as a whole first.
/// </summary>
internal static class CheckChartTable
{
    public static void Write(TextWriter o, ScanReport r, ChartSummary chart, string? approvalNote)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine();
        var app = chart.AppVersion is null ? "" : $" (app {chart.AppVersion})";
        var kube = chart.DeclaredKubeVersion is null ? chart.KubeVersion : $"{chart.KubeVersion} (kubeVersion {chart.DeclaredKubeVersion})";
        o.WriteLine(Terminal.Sanitize($"chart {chart.Name} {chart.Version}{app}, Kubernetes {kube}, helm {chart.HelmVersion ?? "not found"}"));
        o.WriteLine($"{"VALUES",-32} {"STATUS",-9} OBJECTS");
        foreach (var render in chart.Renders)
        {
            o.WriteLine(Terminal.Sanitize(string.Create(inv, $"{render.Values,-32} {render.Status,-9} {render.Objects.Count}")));
            if (render.Error is { Length: > 0 } error) o.WriteLine($"{"",-32} {Terminal.Sanitize(error)}");
        }
        if (chart.Images.Count > 0)
        {
            o.WriteLine();
            o.WriteLine("IMAGES");
            foreach (var image in chart.Images)
                o.WriteLine(Terminal.Sanitize($"  {image.Reference}{(image.Digest is null ? "  (no digest)" : "")}  in {string.Join(", ", image.Objects)}"));
            if (approvalNote is not null) o.WriteLine($"  {approvalNote}");
        }
        if (r.Findings.Count == 0) return;
        // Whole-chart findings (no '#') first, then objects in the order their first finding came.
        var groups = r.Findings.GroupBy(f => ChartPaths.ObjectOf(f.Path)).OrderBy(g => g.Key is null ? 0 : 1).ToList();
        foreach (var group in groups)
        {
            o.WriteLine();
            var first = group.First().Path;
            o.WriteLine(Terminal.Sanitize(group.Key is null ? "chart" : $"{group.Key}  ({Template(first)})"));
            foreach (var f in group)
            {
                var where = group.Key is null ? (f.Line is { } l ? string.Create(inv, $"{f.Path}:{l}") : f.Path) : null;
                o.WriteLine(Terminal.Sanitize($"  {f.Severity.ToString().ToLowerInvariant(),-9} {f.RuleId,-32} {f.Message}"));
                if (where is not null) o.WriteLine($"  {"",-9} {"",-32} {Terminal.Sanitize(where)}");
                else if (f.Evidence is { Length: > 0 } evidence) o.WriteLine($"  {"",-9} {"",-32} {Terminal.Sanitize(evidence)}");
            }
        }
    }

    /// <summary><c>templates/deployment.yaml</c> from <c>demo-0.1.0.tgz!/templates/deployment.yaml#Deployment/demo</c>.</summary>
    internal static string Template(string path)
    {
        var hash = path.LastIndexOf('#');
        var inner = hash < 0 ? path : path[..hash];
        var bang = inner.IndexOf("!/", StringComparison.Ordinal);
        return bang < 0 ? inner : inner[(bang + 2)..];
    }
}
