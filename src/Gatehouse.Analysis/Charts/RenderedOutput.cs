using System.Text;
using System.Text.Json.Nodes;

namespace Gatehouse.Analysis.Charts;

/// <summary>
/// Turns <c>helm template</c>'s output into <see cref="RenderedObject"/>s: documents split on <c>---</c>, each named by Helm's
/// <c># Source: &lt;chart&gt;/templates/x.yaml</c> comment (the chart's name dropped; sub-charts keep <c>charts/&lt;sub&gt;/…</c>),
/// YAML read into JSON with a node budget (<see cref="ChartYaml"/>), empty documents skipped, <c>kind: List</c> expanded into
/// its items, order kept.
/// </summary>
public static class RenderedOutput
{
    /// <summary>The objects of one render. Throws <see cref="ChartException"/> (<c>chart.render-failed</c>) for output that is no YAML or passes a bound.</summary>
    public static List<RenderedObject> Parse(string output, string values, ChartPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(policy);
        var yaml = new ChartYaml(policy.MaxYamlNodes);
        var objects = new List<RenderedObject>();
        var template = "";
        foreach (var (source, text) in Documents(output))
        {
            if (source is not null) template = source;
            List<JsonNode?> docs;
            try
            {
                docs = yaml.ReadAll(text);
            }
            catch (ChartYamlException ex)
            {
                throw new ChartException("chart.render-failed", $"{template}: the rendered output is {ex.Message}");
            }
            foreach (var doc in docs)
            {
                if (doc is null) continue;
                if (doc is not JsonObject obj)
                    throw new ChartException("chart.render-failed", $"{template}: a rendered document is no mapping (a Kubernetes object)");
                if (Text(obj, "kind") == "List" && obj["items"] is JsonArray items)
                {
                    foreach (var item in items)
                        if (item is JsonObject o) Add(o.DeepClone().AsObject());
                }
                else
                {
                    Add(obj);
                }
            }
        }
        return objects;

        void Add(JsonObject body)
        {
            if (objects.Count >= policy.MaxObjects)
                throw new ChartException("chart.render-failed", $"the chart renders more than {policy.MaxObjects} objects (policy charts.maxObjects)");
            var meta = body["metadata"] as JsonObject;
            objects.Add(new RenderedObject(values, template, objects.Count, Text(body, "apiVersion"), Text(body, "kind"),
                meta is null ? "" : Text(meta, "name"), meta is null ? null : NullableText(meta, "namespace"), body));
        }
    }

    private static string Text(JsonObject o, string key) => NullableText(o, key) ?? "";

    private static string? NullableText(JsonObject o, string key) =>
        o[key] is JsonValue v ? v.ToString() : null;

    /// <summary>Splits the output into documents, each with the template its <c># Source:</c> line names (null when it has none).</summary>
    internal static IEnumerable<(string? Source, string Text)> Documents(string output)
    {
        var current = new StringBuilder();
        string? source = null;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line == "---" || line.StartsWith("--- ", StringComparison.Ordinal))
            {
                if (current.Length > 0) yield return (source, current.ToString());
                current.Clear();
                source = null;
                continue;
            }
            if (source is null && line.StartsWith("# Source: ", StringComparison.Ordinal))
            {
                var path = line["# Source: ".Length..].Trim();
                var slash = path.IndexOf('/');
                source = slash < 0 ? path : path[(slash + 1)..];
            }
            current.Append(line).Append('\n');
        }
        if (current.Length > 0) yield return (source, current.ToString());
    }
}
