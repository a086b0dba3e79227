using System.Text;
using System.Text.Json;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Reports;

/// <summary>
/// SARIF 2.1.0 form of a report, for code-scanning UIs. Nested paths become artifact locations with
/// the <c>!/</c> separators kept (a URI-reference; SARIF allows any). In a chart's report a finding about a rendered object
/// is located in its template (<c>demo-0.1.0.tgz!/templates/deployment.yaml</c>) with the object (<c>Deployment/demo</c>)
/// as a logical location.
/// </summary>
public static class ReportSarif
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    public static string Serialize(ScanReport report, IReadOnlyList<RuleDescriptor> rules)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(rules);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            var used = report.Findings.Select(f => f.RuleId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var known = rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
            var index = used.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i, StringComparer.Ordinal);

            w.WriteStartObject();
            w.WriteString("$schema", SchemaUri);
            w.WriteString("version", "2.1.0");
            w.WriteStartArray("runs");
            w.WriteStartObject();
            w.WriteStartObject("tool");
            w.WriteStartObject("driver");
            w.WriteString("name", "gatehouse");
            w.WriteString("version", report.ToolVersion);
            w.WriteStartArray("rules");
            foreach (var id in used)
            {
                w.WriteStartObject();
                w.WriteString("id", id);
                if (known.TryGetValue(id, out var r))
                {
                    w.WriteStartObject("shortDescription"); w.WriteString("text", r.Title); w.WriteEndObject();
                    w.WriteStartObject("fullDescription"); w.WriteString("text", r.Description); w.WriteEndObject();
                    // helpUri must be an absolute URI; the docs ship in the repository, so name the page instead.
                    w.WriteStartObject("help"); w.WriteString("text", $"See {r.DocPath}"); w.WriteString("markdown", $"See [{r.Id}]({r.DocPath})"); w.WriteEndObject();
                    w.WriteStartObject("defaultConfiguration"); w.WriteString("level", Level(r.DefaultSeverity)); w.WriteEndObject();
                    w.WriteStartObject("properties"); w.WriteString("requirement", r.RequirementId); w.WriteString("doc", r.DocPath); w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject(); // driver
            w.WriteEndObject(); // tool
            w.WriteStartArray("results");
            foreach (var f in report.Findings)
            {
                w.WriteStartObject();
                w.WriteString("ruleId", f.RuleId);
                w.WriteNumber("ruleIndex", index[f.RuleId]);
                w.WriteString("level", Level(f.Severity));
                w.WriteStartObject("message"); w.WriteString("text", f.Message); w.WriteEndObject();
                w.WriteStartArray("locations");
                w.WriteStartObject();
                w.WriteStartObject("physicalLocation");
                // A chart finding's path is {artifact}!/{template}#{object}: the template is the file, the object a logical location.
                var chartObject = report.Chart is null ? null : Charts.ChartPaths.ObjectOf(f.Path);
                var file = chartObject is null ? f.Path : f.Path[..f.Path.LastIndexOf('#')];
                w.WriteStartObject("artifactLocation"); w.WriteString("uri", EscapeUri(file)); w.WriteEndObject();
                if (f.Line is { } line)
                {
                    w.WriteStartObject("region"); w.WriteNumber("startLine", line); w.WriteEndObject();
                }
                w.WriteEndObject();
                if (chartObject is not null)
                {
                    w.WriteStartArray("logicalLocations");
                    w.WriteStartObject();
                    w.WriteString("name", chartObject[(chartObject.LastIndexOf('/') + 1)..]);
                    w.WriteString("fullyQualifiedName", chartObject);
                    w.WriteString("kind", "resource");
                    w.WriteEndObject();
                    w.WriteEndArray();
                }
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteStartObject("partialFingerprints"); w.WriteString("gatehouse/v1", f.Fingerprint); w.WriteEndObject();
                w.WriteStartObject("properties");
                w.WriteString("severity", f.Severity.ToString().ToLowerInvariant());
                if (f.RequirementId is not null) w.WriteString("requirement", f.RequirementId);
                w.WriteString("analyzer", f.AnalyzerId);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("invocations");
            w.WriteStartObject();
            w.WriteBoolean("executionSuccessful", report.Verdict != Verdict.Incomplete);
            w.WriteStartArray("toolExecutionNotifications");
            foreach (var a in report.Analyzers.Where(a => a.Status != "ok"))
            {
                w.WriteStartObject();
                w.WriteString("level", "error");
                w.WriteStartObject("message"); w.WriteString("text", $"{a.Id} {a.Status}: {a.Error}"); w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartObject("properties");
            w.WriteString("verdict", report.Verdict.ToString().ToLowerInvariant());
            w.WriteString("artifactSha256", report.Artifact.Sha256);
            w.WriteEndObject();
            w.WriteEndObject(); // run
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Level(Severity s) => s switch
    {
        Severity.Critical or Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    /// <summary>Percent-encodes what a URI reference may not contain (spaces, control characters, %).</summary>
    private static string EscapeUri(string path)
    {
        var sb = new StringBuilder(path.Length);
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in path.EnumerateRunes())
        {
            if (rune.Value <= 0x20 || rune.Value == 0x7F || rune.Value is '%' or '"' or '<' or '>' or '\\' or '^' or '`' or '{' or '|' or '}' or '#' or '?')
            {
                var n = rune.EncodeToUtf8(bytes);
                for (var i = 0; i < n; i++) sb.Append('%').Append(bytes[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else sb.Append(rune.ToString());
        }
        return sb.ToString();
    }
}
