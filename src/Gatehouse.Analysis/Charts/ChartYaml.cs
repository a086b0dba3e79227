using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Gatehouse.Analysis.Charts;

/// <summary>
/// Reads YAML (Chart.yaml, Chart.lock, values files, Helm's output) into JSON with YamlDotNet's low-level parser, bounded:
/// every node counts against a budget and an alias counts as many nodes as it expands to (so a "billion laughs" alias bomb
/// fails before it is expanded), nesting is bounded, tags construct nothing. Plain scalars are read the way Kubernetes' own
/// YAML reader (go-yaml v2, YAML 1.1) reads them, because that is what the cluster will see: <c>yes</c>/<c>on</c> are
/// true, <c>0644</c> is octal, <c>~</c> is null. Merge keys (<c>&lt;&lt;</c>) are applied.
/// </summary>
internal sealed partial class ChartYaml
{
    /// <summary>Deepest nesting of mappings and sequences.</summary>
    public const int MaxDepth = 64;

    private readonly int _maxNodes;
    private int _nodes;

    /// <param name="maxNodes">The budget of nodes across every document this reader reads.</param>
    public ChartYaml(int maxNodes) => _maxNodes = maxNodes;

    /// <summary>Nodes read so far.</summary>
    public int Nodes => _nodes;

    /// <summary>Every document of <paramref name="text"/> (null for an empty one). Throws <see cref="ChartYamlException"/>.</summary>
    public List<JsonNode?> ReadAll(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var docs = new List<JsonNode?>();
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            while (!parser.TryConsume<StreamEnd>(out _))
            {
                parser.Consume<DocumentStart>();
                var anchors = new Dictionary<string, (JsonNode? Node, int Size)>(StringComparer.Ordinal);
                var root = parser.Current is DocumentEnd ? null : Read(parser, anchors, 0).Node;
                parser.Consume<DocumentEnd>();
                docs.Add(root);
            }
            return docs;
        }
        catch (YamlException ex)
        {
            throw new ChartYamlException($"not valid YAML (line {ex.Start.Line}): {FirstLine(ex.Message)}");
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            throw new ChartYamlException($"not valid YAML: {FirstLine(ex.Message)}");
        }
    }

    /// <summary>The single document of <paramref name="text"/> (null when empty).</summary>
    public JsonNode? ReadOne(string text)
    {
        var docs = ReadAll(text);
        return docs.Count switch
        {
            0 => null,
            1 => docs[0],
            _ => throw new ChartYamlException("more than one YAML document"),
        };
    }

    private void Count(int n)
    {
        _nodes += n;
        if (_nodes > _maxNodes || _nodes < 0)
            throw new ChartYamlException($"more than {_maxNodes} YAML nodes (aliases counted as often as they are used)");
    }

    private (JsonNode? Node, int Size) Read(IParser parser, Dictionary<string, (JsonNode?, int)> anchors, int depth)
    {
        if (depth > MaxDepth) throw new ChartYamlException($"nested deeper than {MaxDepth} levels");
        var current = parser.Current ?? throw new ChartYamlException("unexpected end of input");
        switch (current)
        {
            case AnchorAlias alias:
            {
                parser.MoveNext();
                if (!anchors.TryGetValue(alias.Value.Value, out var target))
                    throw new ChartYamlException($"alias *{alias.Value.Value} names no anchor");
                Count(target.Item2);
                return (target.Item1?.DeepClone(), target.Item2);
            }
            case Scalar scalar:
            {
                parser.MoveNext();
                Count(1);
                var node = Resolve(scalar);
                Remember(anchors, scalar, node, 1);
                return (node, 1);
            }
            case SequenceStart start:
            {
                parser.MoveNext();
                Count(1);
                var array = new JsonArray();
                var size = 1;
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    var (item, n) = Read(parser, anchors, depth + 1);
                    array.Add(item);
                    size += n;
                }
                Remember(anchors, start, array, size);
                return (array, size);
            }
            case MappingStart start:
            {
                parser.MoveNext();
                Count(1);
                var map = new JsonObject();
                var size = 1;
                List<JsonObject>? merges = null;
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var keyEvent = parser.Current;
                    var (key, kn) = Read(parser, anchors, depth + 1);
                    var (value, vn) = Read(parser, anchors, depth + 1);
                    size += kn + vn;
                    var keyText = key switch
                    {
                        null => "null",
                        JsonValue v => v.ToString(),
                        _ => throw new ChartYamlException("a mapping key is not a scalar"),
                    };
                    if (keyText == "<<" && keyEvent is Scalar { Style: ScalarStyle.Plain })
                    {
                        merges ??= [];
                        if (value is JsonObject one) merges.Add(one);
                        else if (value is JsonArray many) merges.AddRange(many.OfType<JsonObject>());
                        continue;
                    }
                    map[keyText] = value;
                }
                if (merges is not null)
                {
                    foreach (var m in merges)
                        foreach (var (k, v) in m)
                            if (!map.ContainsKey(k)) map[k] = v?.DeepClone();
                }
                Remember(anchors, start, map, size);
                return (map, size);
            }
            default:
                throw new ChartYamlException($"unexpected {current.GetType().Name}");
        }
    }

    private static void Remember(Dictionary<string, (JsonNode?, int)> anchors, NodeEvent node, JsonNode? value, int size)
    {
        if (!node.Anchor.IsEmpty) anchors[node.Anchor.Value] = (value, size);
    }

    private static JsonNode? Resolve(Scalar scalar)
    {
        var text = scalar.Value;
        var tag = scalar.Tag.IsEmpty ? "" : scalar.Tag.Value;
        if (tag is "tag:yaml.org,2002:str" or "!") return JsonValue.Create(text);
        if (scalar.Style != ScalarStyle.Plain && tag.Length == 0) return JsonValue.Create(text);
        return ResolvePlain(text);
    }

    /// <summary>A plain scalar as go-yaml v2 resolves it (YAML 1.1 booleans, octal, hex, floats, null).</summary>
    internal static JsonNode? ResolvePlain(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "y" or "Y" or "yes" or "Yes" or "YES" or "true" or "True" or "TRUE" or "on" or "On" or "ON":
                return JsonValue.Create(true);
            case "n" or "N" or "no" or "No" or "NO" or "false" or "False" or "FALSE" or "off" or "Off" or "OFF":
                return JsonValue.Create(false);
        }
        if (text.Length > 64) return JsonValue.Create(text);
        var plain = text.Replace("_", "", StringComparison.Ordinal);
        var negative = plain.StartsWith('-');
        var body = plain.TrimStart('+', '-');
        if (plain.Length > 0 && (plain[0] is '+' or '-') && body.Length == plain.Length - 1)
        {
            // one sign only
        }
        else if (plain.Length > 0 && (plain[0] is '+' or '-'))
        {
            return JsonValue.Create(text);
        }
        if (DecimalInt().IsMatch(body) && long.TryParse(body, NumberStyles.None, CultureInfo.InvariantCulture, out var d))
            return JsonValue.Create(negative ? -d : d);
        if (body.StartsWith("0x", StringComparison.Ordinal) && body.Length > 2 && long.TryParse(body[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var h) && h >= 0)
            return JsonValue.Create(negative ? -h : h);
        if (body.StartsWith("0b", StringComparison.Ordinal) && body.Length > 2 && body[2..].All(c => c is '0' or '1') && body.Length <= 64)
            return JsonValue.Create((negative ? -1 : 1) * Convert.ToInt64(body[2..], 2));
        if (Octal().IsMatch(body))
        {
            var digits = body.StartsWith("0o", StringComparison.Ordinal) ? body[2..] : body[1..];
            if (digits.Length <= 20)
            {
                try { return JsonValue.Create((negative ? -1 : 1) * Convert.ToInt64(digits, 8)); }
                catch (OverflowException) { return JsonValue.Create(text); }
            }
        }
        if (Float().IsMatch(body) && double.TryParse(body, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && double.IsFinite(f))
            return JsonValue.Create(negative ? -f : f);
        return JsonValue.Create(text);
    }

    private static string FirstLine(string message)
    {
        var i = message.IndexOf('\n');
        var line = i < 0 ? message : message[..i];
        return line.Length > 300 ? line[..300] : line;
    }

    [GeneratedRegex("^(0|[1-9][0-9]*)$")]
    private static partial Regex DecimalInt();

    [GeneratedRegex("^(0[0-7]+|0o[0-7]+)$")]
    private static partial Regex Octal();

    [GeneratedRegex(@"^(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
