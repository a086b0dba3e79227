using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Gatehouse.Analysis.Charts;

/// <summary>
/// Checks that a chart's dependencies are locked and bundled (issue 18 §1): every Chart.yaml dependency is under
/// <c>charts/</c> (a folder or a <c>.tgz</c>) in a version its range allows, Chart.lock exists and lists the bundled
/// versions, and its digest is the one Helm computes (<see cref="HashReq"/>), so what is installed is what was reviewed.
/// </summary>
public static class ChartDependencies
{
    /// <summary>
    /// Helm's <c>resolver.HashReq</c>: <c>sha256:</c> and the hex SHA-256 of Go's <c>json.Marshal([2][]*chart.Dependency{req, lock})</c>,
    /// field by field as Helm's Dependency type marshals (name, version omitempty, repository, condition omitempty, tags
    /// omitempty, enabled omitempty, import-values omitempty, alias omitempty), with Go's HTML-safe string escaping.
    /// </summary>
    public static string HashReq(JsonArray? requirements, JsonArray? locked)
    {
        var sb = new StringBuilder("[");
        WriteList(sb, requirements);
        sb.Append(',');
        WriteList(sb, locked);
        sb.Append(']');
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    private static void WriteList(StringBuilder sb, JsonArray? list)
    {
        if (list is null)
        {
            sb.Append("null");
            return;
        }
        sb.Append('[');
        var first = true;
        foreach (var item in list)
        {
            if (!first) sb.Append(',');
            first = false;
            if (item is not JsonObject d)
            {
                sb.Append("null");
                continue;
            }
            sb.Append("{\"name\":");
            GoString(sb, Str(d, "name"));
            if (Str(d, "version") is { Length: > 0 } version) { sb.Append(",\"version\":"); GoString(sb, version); }
            sb.Append(",\"repository\":");
            GoString(sb, Str(d, "repository"));
            if (Str(d, "condition") is { Length: > 0 } condition) { sb.Append(",\"condition\":"); GoString(sb, condition); }
            if (d["tags"] is JsonArray { Count: > 0 } tags)
            {
                sb.Append(",\"tags\":[");
                for (var i = 0; i < tags.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    GoString(sb, tags[i] is JsonValue t ? t.ToString() : "");
                }
                sb.Append(']');
            }
            if (d["enabled"] is JsonValue e && e.TryGetValue<bool>(out var enabled) && enabled) sb.Append(",\"enabled\":true");
            if (d["import-values"] is JsonArray { Count: > 0 } imports) { sb.Append(",\"import-values\":"); GoValue(sb, imports); }
            if (Str(d, "alias") is { Length: > 0 } alias) { sb.Append(",\"alias\":"); GoString(sb, alias); }
            sb.Append('}');
        }
        sb.Append(']');
    }

    private static string Str(JsonObject o, string key) => o[key] is JsonValue v ? v.ToString() : "";

    /// <summary>A value as Go's encoding/json writes an <c>interface{}</c>: maps with sorted keys.</summary>
    private static void GoValue(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject o:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first) sb.Append(',');
                    first = false;
                    GoString(sb, k);
                    sb.Append(':');
                    GoValue(sb, v);
                }
                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    GoValue(sb, a[i]);
                }
                sb.Append(']');
                break;
            case JsonValue v when v.TryGetValue<string>(out var s):
                GoString(sb, s);
                break;
            case JsonValue v when v.TryGetValue<bool>(out var b):
                sb.Append(b ? "true" : "false");
                break;
            case JsonValue v when v.TryGetValue<long>(out var l):
                sb.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            default:
                sb.Append(node.ToJsonString());
                break;
        }
    }

    /// <summary>A string as Go's encoding/json writes it (HTML-safe: &lt; &gt; &amp; escaped, U+2028/2029 too).</summary>
    internal static void GoString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '<' or '>' or '&' or '\u2028' or '\u2029' or < ' ':
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default: sb.Append(c); break;
            }
        }
        sb.Append('"');
    }

    /// <summary>
    /// The problems with the dependencies of <paramref name="chart"/> (Chart.yaml read as <paramref name="metadata"/>), each
    /// as (message, stable key); empty when it has none or all are locked and bundled.
    /// </summary>
    public static List<(string Message, string Key)> Check(ChartPackage chart, JsonObject metadata, ChartPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(chart);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(policy);
        var problems = new List<(string, string)>();
        if (metadata["dependencies"] is not JsonArray { Count: > 0 } requirements) return problems;

        // What is bundled: charts/<dir>/Chart.yaml and charts/*.tgz, by chart name.
        var bundled = new Dictionary<string, List<(string Version, string Where)>>(StringComparer.Ordinal);
        void AddBundled(string? name, string? version, string where)
        {
            if (string.IsNullOrEmpty(name)) return;
            if (!bundled.TryGetValue(name, out var list)) bundled[name] = list = [];
            list.Add((version ?? "", where));
        }
        foreach (var (path, bytes) in chart.Files)
        {
            var parts = path.Split('/');
            if (parts is ["charts", var dir, "Chart.yaml"] && dir[0] is not ('_' or '.'))
            {
                var meta = ReadYaml(bytes, policy) as JsonObject;
                AddBundled(Str0(meta, "name"), Str0(meta, "version"), $"charts/{dir}");
            }
        }
        foreach (var (path, sub) in chart.Nested)
        {
            var meta = sub.File("Chart.yaml") is { } b ? ReadYaml(b, policy) as JsonObject : null;
            AddBundled(Str0(meta, "name"), Str0(meta, "version"), path);
        }

        var lockBytes = chart.File("Chart.lock");
        var lockDoc = lockBytes is null ? null : ReadYaml(lockBytes, policy) as JsonObject;
        var locked = lockDoc?["dependencies"] as JsonArray;
        if (lockBytes is null) problems.Add(("Chart.yaml has dependencies but the chart has no Chart.lock: run helm dependency update", "no-lock"));
        else if (lockDoc is null) problems.Add(("Chart.lock is no valid YAML mapping", "bad-lock"));

        foreach (var node in requirements)
        {
            if (node is not JsonObject d) continue;
            var name = Str(d, "name");
            var range = Str(d, "version");
            if (!bundled.TryGetValue(name, out var found))
            {
                problems.Add(($"dependency {name} ({(range.Length == 0 ? "any version" : range)}) is not bundled under charts/: run helm dependency build before packaging", "missing\0" + name));
                continue;
            }
            var constraint = range.Length == 0 ? null : SemverConstraint.Parse(range);
            if (range.Length > 0 && constraint is null)
                problems.Add(($"dependency {name} has a version range Helm cannot read: {range}", "range\0" + name));
            else if (constraint is not null && !found.Any(f => constraint.IsSatisfiedBy(f.Version)))
                problems.Add(($"dependency {name} requires {range} but {found[0].Where} is version {found[0].Version}", "range\0" + name));
            if (locked is null) continue;
            var entry = locked.OfType<JsonObject>().FirstOrDefault(l => Str(l, "name") == name);
            if (entry is null)
                problems.Add(($"dependency {name} is not in Chart.lock: run helm dependency update", "unlocked\0" + name));
            else if (!found.Any(f => f.Version == Str(entry, "version")))
                problems.Add(($"Chart.lock locks {name} at {Str(entry, "version")} but {found[0].Where} is version {found[0].Version}", "lock-version\0" + name));
        }
        if (lockDoc is not null)
        {
            var digest = Str(lockDoc, "digest");
            var expected = HashReq(requirements, locked);
            if (!string.Equals(digest, expected, StringComparison.Ordinal))
                problems.Add(($"Chart.lock's digest {(digest.Length == 0 ? "(none)" : digest)} is not the one Helm computes from Chart.yaml's dependencies and the lock ({expected}): Chart.lock is out of date, run helm dependency update", "digest"));
        }
        return problems;
    }

    private static string? Str0(JsonObject? o, string key) => o?[key] is JsonValue v ? v.ToString() : null;

    private static JsonNode? ReadYaml(byte[] bytes, ChartPolicy policy)
    {
        try
        {
            return new ChartYaml(policy.MaxYamlNodes).ReadOne(Encoding.UTF8.GetString(bytes));
        }
        catch (ChartYamlException)
        {
            return null;
        }
    }
}
