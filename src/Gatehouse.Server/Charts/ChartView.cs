using System.Text.Json;
using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Reports;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Scanning;

namespace Gatehouse.Server.Charts;

/// <summary>
/// What the console's vendor and reviewer pages show of a Helm chart version (issue 18, <c>_HelmChart.cshtml</c>): the
/// chart's identity, the Helm and Kubernetes versions it was rendered with, each values file used, and the rendered objects
/// with their findings grouped per object (<see cref="ChartPaths.ObjectOf"/>). Read from the stored report (the exact report
/// of the scan), so the pages show what was reviewed.
/// </summary>
public sealed record ChartView(ChartSummary? Summary, IReadOnlyList<ChartView.ObjectView> Objects, IReadOnlyList<ChartView.FindingView> ChartFindings,
    bool ScanDone)
{
    /// <summary>A finding as the chart section lists it.</summary>
    public sealed record FindingView(string RuleId, string Severity, string Message);

    /// <summary>A rendered object (once, however many values files rendered it) and the findings about it.</summary>
    /// <param name="Values">The values files whose render produced it.</param>
    public sealed record ObjectView(string Template, string Id, string Kind, string ApiVersion, IReadOnlyList<string> Values, IReadOnlyList<FindingView> Findings);

    /// <summary>The view of <paramref name="v"/> (a helm-chart version) with its current scan, or null for other app types.</summary>
    public static ChartView? Of(App app, AppVersion v, Scan? scan)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(v);
        if (app.Type != AppTypes.HelmChart) return null;
        ChartSummary? summary = null;
        List<(string Path, FindingView Finding)> findings = [];
        if (scan?.ReportJson is { Length: > 0 } json)
        {
            try
            {
                using var doc = JsonDocument.Parse(json);
                if (doc.RootElement.TryGetProperty("chart", out var c) && c.ValueKind == JsonValueKind.Object)
                    summary = c.Deserialize<ChartSummary>(ReportJson.Options);
                if (doc.RootElement.TryGetProperty("findings", out var f) && f.ValueKind == JsonValueKind.Array)
                    foreach (var item in f.EnumerateArray())
                        if (Text(item, "path") is { } path)
                            findings.Add((path, new FindingView(Text(item, "ruleId") ?? "", Text(item, "severity") ?? "", Text(item, "message") ?? "")));
            }
            catch (JsonException)
            {
                // A report this server cannot read back shows as no chart facts; the findings are still listed with the others.
            }
        }
        return From(summary, findings, scan?.Verdict is not null);
    }

    /// <summary>Groups <paramref name="findings"/> (path, finding) under the objects of <paramref name="summary"/>; pure, for the tests.</summary>
    internal static ChartView From(ChartSummary? summary, IReadOnlyList<(string Path, FindingView Finding)> findings, bool scanDone)
    {
        var byObject = new Dictionary<string, List<FindingView>>(StringComparer.Ordinal);
        var chartWide = new List<FindingView>();
        foreach (var (path, finding) in findings)
        {
            if (Key(path) is { } key) (byObject.TryGetValue(key, out var list) ? list : byObject[key] = []).Add(finding);
            // The chart's own checks (chart.*: metadata, values schema, rendering) and manifest rules without an object; the
            // other engines' findings (files, secrets, malware) are listed with the scan's other findings.
            else if (finding.RuleId.StartsWith("chart.", StringComparison.Ordinal) || finding.RuleId.StartsWith("k8s.", StringComparison.Ordinal)) chartWide.Add(finding);
        }
        var objects = new List<ObjectView>();
        var seen = new Dictionary<string, ObjectView>(StringComparer.Ordinal);
        foreach (var render in summary?.Renders ?? [])
            foreach (var o in render.Objects)
            {
                var id = o.Namespace is null ? $"{o.Kind}/{o.Name}" : $"{o.Kind}/{o.Namespace}/{o.Name}";
                var key = o.Template + "#" + id;
                if (seen.TryGetValue(key, out var known))
                {
                    if (!known.Values.Contains(render.Values)) ((List<string>)known.Values).Add(render.Values);
                    continue;
                }
                var view = new ObjectView(o.Template, id, o.Kind, o.ApiVersion, new List<string> { render.Values }, byObject.GetValueOrDefault(key) ?? []);
                byObject.Remove(key);
                seen[key] = view;
                objects.Add(view);
            }
        // Findings about an object no render lists (the summary is missing or was cut short) still show, under their path.
        foreach (var (key, list) in byObject.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            var hash = key.LastIndexOf('#');
            objects.Add(new ObjectView(key[..hash], key[(hash + 1)..], key[(hash + 1)..].Split('/')[0], "", [], list));
        }
        return new ChartView(summary, objects, chartWide, scanDone);
    }

    /// <summary><c>{template}#{object}</c> of a finding's path (<c>{artifact}!/{template}#{Kind}/{name}</c>), null for one about the chart as a whole.</summary>
    internal static string? Key(string path)
    {
        if (ChartPaths.ObjectOf(path) is not { Length: > 0 } obj) return null;
        var before = path[..path.LastIndexOf('#')];
        var bang = before.LastIndexOf("!/", StringComparison.Ordinal);
        return (bang < 0 ? before : before[(bang + 2)..]) + "#" + obj;
    }

    /// <summary>The CSS class of a severity badge (a fixed set; anything else is shown without one).</summary>
    public static string SeverityClass(string severity) => severity switch
    {
        "critical" or "high" or "medium" or "low" or "info" => "sev-" + severity,
        _ => "sev-unknown",
    };

    private static string? Text(JsonElement o, string property) =>
        o.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
