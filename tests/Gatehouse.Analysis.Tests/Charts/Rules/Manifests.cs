using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Charts.Rules;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gatehouse.Analysis.Tests.Charts.Rules;

/// <summary>
/// Rendered objects for the rule tests: YAML documents (a test's small manifest, or <c>helm template</c>'s output with its
/// <c># Source:</c> comments) read into <see cref="RenderedObject"/>s, scalars typed as YAML 1.2's core schema says.
/// </summary>
internal static partial class Manifests
{
    public static IReadOnlyList<RenderedObject> Parse(string yaml, string template = "templates/test.yaml")
    {
        var objects = new List<RenderedObject>();
        // Helm writes "---\n# Source: chart/templates/x.yaml\n" before each document.
        var documents = DocumentSeparator().Split(yaml.ReplaceLineEndings("\n"));
        foreach (var document in documents)
        {
            var source = SourceComment().Match(document);
            var tpl = source.Success ? source.Groups[1].Value : template;
            var stream = new YamlStream();
            stream.Load(new StringReader(document));
            foreach (var doc in stream.Documents)
            {
                if (ToJson(doc.RootNode) is not JsonObject body) continue;
                var metadata = body["metadata"] as JsonObject;
                objects.Add(new RenderedObject("values.yaml", tpl, objects.Count,
                    (string?)body["apiVersion"] ?? "", (string?)body["kind"] ?? "", (string?)metadata?["name"] ?? "",
                    (string?)metadata?["namespace"], body));
            }
        }
        return objects;
    }

    /// <summary>The findings of every rule for <paramref name="yaml"/>.</summary>
    public static IReadOnlyList<ManifestFinding> Check(string yaml) =>
        ManifestRules.Check(Parse(yaml), new ManifestCheckOptions("1.35")).ToList();

    /// <summary>The findings of one rule.</summary>
    public static IReadOnlyList<ManifestFinding> Check(string yaml, string ruleId) =>
        Check(yaml).Where(f => f.Rule.Id == ruleId).ToList();

    /// <summary>A Deployment named web whose pod spec is <paramref name="podSpec"/> (YAML, indented as under <c>spec:</c> of the template).</summary>
    public static string Deployment(string podSpec) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          template:
            metadata:
              labels:
                app: web
            spec:
        {Indent(podSpec, 6)}
        """;

    public static string Indent(string text, int spaces) =>
        string.Join("\n", text.ReplaceLineEndings("\n").Split('\n').Select(l => l.Length == 0 ? l : new string(' ', spaces) + l));

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value!, ToJson(p.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } s => Plain(s.Value ?? ""),
        YamlScalarNode s => JsonValue.Create(s.Value ?? ""),
        _ => null,
    };

    private static JsonNode? Plain(string value)
    {
        if (value is "" or "~" or "null" or "Null" or "NULL") return null;
        if (value is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (value is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return JsonValue.Create(n);
        if (FloatRegex().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
        return JsonValue.Create(value);
    }

    [GeneratedRegex(@"^---\s*$", RegexOptions.Multiline)]
    private static partial Regex DocumentSeparator();

    [GeneratedRegex(@"^# Source: [^/\n]+/(.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex SourceComment();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatRegex();
}
