using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gatehouse.Cli.Output;

/// <summary>
/// Writes a minimal, valid SARIF 2.1.0 log with one run whose tool driver is <c>gatehouse</c>.
/// Written with <see cref="Utf8JsonWriter"/> so the property order is fixed and matches the spec's examples.
/// </summary>
internal static class SarifWriter
{
    public const string Version = "2.1.0";
    public const string Schema = "https://json.schemastore.org/sarif-2.1.0.json";
    public const string ToolName = "gatehouse";

    /// <summary>Writes the log to <paramref name="writer"/>, followed by a newline.</summary>
    /// <exception cref="ArgumentException">A result names a rule that is not in <paramref name="rules"/>.</exception>
    public static void Write(TextWriter writer, string toolVersion, IReadOnlyList<SarifRule> rules, IReadOnlyList<SarifResult> results)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(ToJson(toolVersion, rules, results));
        writer.Write('\n');
    }

    /// <summary>Returns the log as an indented JSON string.</summary>
    public static string ToJson(string toolVersion, IReadOnlyList<SarifRule> rules, IReadOnlyList<SarifResult> results)
    {
        ArgumentNullException.ThrowIfNull(toolVersion);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(results);

        var ruleIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            if (!ruleIndex.TryAdd(rules[i].Id, i)) throw new ArgumentException($"duplicate rule id '{rules[i].Id}'", nameof(rules));
        }

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("$schema", Schema);
            w.WriteString("version", Version);
            w.WriteStartArray("runs");
            w.WriteStartObject();

            w.WriteStartObject("tool");
            w.WriteStartObject("driver");
            w.WriteString("name", ToolName);
            w.WriteString("version", toolVersion);
            w.WriteStartArray("rules");
            foreach (var rule in rules) WriteRule(w, rule);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteStartArray("results");
            foreach (var result in results)
            {
                if (!ruleIndex.TryGetValue(result.RuleId, out var index))
                    throw new ArgumentException($"result names unknown rule '{result.RuleId}'", nameof(results));
                WriteResult(w, result, index);
            }
            w.WriteEndArray();

            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The SARIF spelling of a level.</summary>
    public static string LevelName(SarifLevel level) => level switch
    {
        SarifLevel.Error => "error",
        SarifLevel.Warning => "warning",
        SarifLevel.Note => "note",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    private static void WriteRule(Utf8JsonWriter w, SarifRule rule)
    {
        w.WriteStartObject();
        w.WriteString("id", rule.Id);
        w.WriteStartObject("shortDescription");
        w.WriteString("text", rule.ShortDescription);
        w.WriteEndObject();
        if (rule.HelpUri is not null) w.WriteString("helpUri", rule.HelpUri.AbsoluteUri);
        w.WriteStartObject("defaultConfiguration");
        w.WriteString("level", LevelName(rule.DefaultLevel));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter w, SarifResult result, int ruleIndex)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", result.RuleId);
        w.WriteNumber("ruleIndex", ruleIndex);
        w.WriteString("level", LevelName(result.Level));
        w.WriteStartObject("message");
        w.WriteString("text", result.Message);
        w.WriteEndObject();
        var locations = result.Locations?.Where(HasContent).ToList() ?? [];
        if (locations.Count > 0)
        {
            w.WriteStartArray("locations");
            foreach (var location in locations) WriteLocation(w, location);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static bool HasContent(SarifLocation l) => l.ArtifactUri is not null || l.LogicalName is not null;

    private static void WriteLocation(Utf8JsonWriter w, SarifLocation location)
    {
        w.WriteStartObject();
        if (location.ArtifactUri is not null)
        {
            w.WriteStartObject("physicalLocation");
            w.WriteStartObject("artifactLocation");
            w.WriteString("uri", location.ArtifactUri);
            w.WriteEndObject();
            if (location.StartLine is int line and > 0)
            {
                w.WriteStartObject("region");
                w.WriteNumber("startLine", line);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        if (location.LogicalName is not null)
        {
            w.WriteStartArray("logicalLocations");
            w.WriteStartObject();
            w.WriteString("fullyQualifiedName", location.LogicalName);
            if (location.LogicalKind is not null) w.WriteString("kind", location.LogicalKind);
            w.WriteEndObject();
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }
}
