using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Gatehouse.Analysis.Requirements;

/// <summary>A parsed YAML value: a scalar (always text), a sequence or a mapping, with its line for messages.</summary>
internal abstract record YamlValue(int Line);

internal sealed record YamlScalar(string Text, int Line) : YamlValue(Line);

internal sealed record YamlSequence(IReadOnlyList<YamlValue> Items, int Line) : YamlValue(Line);

internal sealed record YamlMapping(IReadOnlyList<KeyValuePair<string, YamlValue>> Entries, int Line) : YamlValue(Line);

/// <summary>Thrown for YAML that does not parse or that uses a feature the data files must not use.</summary>
internal sealed class YamlDataException(string message, int line) : Exception(message)
{
    public int Line { get; } = line;
}

/// <summary>
/// Reads data files with YamlDotNet's low-level parser into plain values, and nothing more: no object
/// construction from tags, no anchors or aliases (so no "billion laughs"), one document, bounded size,
/// depth and scalar length. Scalars stay text: <c>yes</c> is the string "yes", never a boolean.
/// </summary>
internal static class SafeYaml
{
    public const int MaxDepth = 16;
    public const int MaxScalarLength = 16 * 1024;

    /// <summary>Parses one document; null when the text is empty.</summary>
    public static YamlValue? Parse(string text, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Bounded before parsing: the caller has already read the text, but never hands it to the parser unbounded.
        if (System.Text.Encoding.UTF8.GetByteCount(text) > maxBytes)
            throw new YamlDataException($"larger than {maxBytes} bytes", 0);
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _)) return null;
            parser.Consume<DocumentStart>();
            var root = Read(parser, 0);
            parser.Consume<DocumentEnd>();
            if (!parser.TryConsume<StreamEnd>(out _))
                throw new YamlDataException("more than one YAML document", LineOf(parser.Current));
            return root;
        }
        catch (YamlException ex)
        {
            throw new YamlDataException($"not valid YAML: {FirstLine(ex.Message)}", (int)ex.Start.Line);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet's scanner throws these on some malformed input; it is still malformed input.
            throw new YamlDataException($"not valid YAML: {FirstLine(ex.Message)}", 0);
        }
    }

    private static YamlValue Read(IParser parser, int depth)
    {
        if (depth > MaxDepth) throw new YamlDataException($"nested deeper than {MaxDepth} levels", LineOf(parser.Current));
        var current = parser.Current ?? throw new YamlDataException("unexpected end of input", 0);
        var line = LineOf(current);
        if (current is AnchorAlias) throw new YamlDataException("aliases (*name) are not allowed", line);
        if (current is NodeEvent node)
        {
            if (!node.Anchor.IsEmpty) throw new YamlDataException("anchors (&name) are not allowed", line);
            if (!node.Tag.IsEmpty && !(node is Scalar && node.Tag.Value == "!")) throw new YamlDataException($"tags ({node.Tag.Value}) are not allowed", line);
        }
        switch (current)
        {
            case Scalar scalar:
                parser.MoveNext();
                if (scalar.Value.Length > MaxScalarLength) throw new YamlDataException($"a value is longer than {MaxScalarLength} characters", line);
                return new YamlScalar(scalar.Value, line);
            case SequenceStart:
            {
                parser.MoveNext();
                var items = new List<YamlValue>();
                while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(Read(parser, depth + 1));
                return new YamlSequence(items, line);
            }
            case MappingStart:
            {
                parser.MoveNext();
                var entries = new List<KeyValuePair<string, YamlValue>>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var key = Read(parser, depth + 1);
                    if (key is not YamlScalar k) throw new YamlDataException("a mapping key must be a plain value", key.Line);
                    if (!seen.Add(k.Text)) throw new YamlDataException($"duplicate key '{k.Text}'", k.Line);
                    entries.Add(new(k.Text, Read(parser, depth + 1)));
                }
                return new YamlMapping(entries, line);
            }
            default:
                throw new YamlDataException($"unexpected {current.GetType().Name}", line);
        }
    }

    private static int LineOf(ParsingEvent? e) => e is null ? 0 : (int)e.Start.Line;

    private static string FirstLine(string message)
    {
        var i = message.IndexOf('\n', StringComparison.Ordinal);
        return i < 0 ? message : message[..i];
    }
}

/// <summary>
/// Reads the fields of one mapping, collecting every problem instead of stopping at the first, each
/// prefixed with where it is (<c>rules/requirements/web.yaml: GH-TLS-1: ...</c>).
/// </summary>
internal sealed class YamlFields
{
    private readonly YamlMapping _map;
    private readonly string _where;
    private readonly List<string> _errors;

    public YamlFields(YamlMapping map, string where, List<string> errors)
    {
        _map = map;
        _where = where;
        _errors = errors;
    }

    public void Error(string message, int? line = null) => _errors.Add($"{_where}: {message} (line {line ?? _map.Line})");

    /// <summary>Reports every key not in <paramref name="known"/>: a typo must not silently drop a field.</summary>
    public void RejectUnknownKeys(params string[] known)
    {
        foreach (var (key, value) in _map.Entries)
            if (!known.Contains(key, StringComparer.Ordinal))
                Error($"unknown key '{key}' (expected one of: {string.Join(", ", known)})", value.Line);
    }

    public YamlValue? Value(string key, bool required)
    {
        foreach (var (k, v) in _map.Entries)
            if (k == key) return v;
        if (required) Error($"missing required key '{key}'");
        return null;
    }

    public string? Text(string key, bool required = true, int maxLength = 4000, bool singleLine = false)
    {
        var value = Value(key, required);
        if (value is null) return null;
        if (value is not YamlScalar s) { Error($"'{key}' must be a single value", value.Line); return null; }
        var text = s.Text.Trim();
        if (text.Length == 0) { Error($"'{key}' is empty", s.Line); return null; }
        if (text.Length > maxLength) { Error($"'{key}' is longer than {maxLength} characters", s.Line); return null; }
        if (singleLine && text.AsSpan().IndexOfAny('\r', '\n') >= 0) { Error($"'{key}' must be one line", s.Line); return null; }
        return text;
    }

    public int? PositiveInt(string key)
    {
        var text = Text(key, maxLength: 9);
        if (text is null) return null;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1) return n;
        Error($"'{key}' must be a whole number of at least 1, not '{text}'", Value(key, false)?.Line);
        return null;
    }

    public bool? Bool(string key)
    {
        var text = Text(key, maxLength: 5);
        return text switch
        {
            null => null,
            "true" => true,
            "false" => false,
            _ => Fail<bool?>($"'{key}' must be true or false, not '{text}'", key),
        };
    }

    public DateOnly? Date(string key)
    {
        var text = Text(key, maxLength: 10);
        if (text is null) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d)) return d;
        Error($"'{key}' must be a date written yyyy-MM-dd, not '{text}'", Value(key, false)?.Line);
        return null;
    }

    /// <summary>A list of single-line values (flow <c>[a, b]</c> or block style); null when absent and optional.</summary>
    public IReadOnlyList<string>? TextList(string key, bool required, int maxItems = 100)
    {
        var value = Value(key, required);
        if (value is null) return null;
        if (value is not YamlSequence seq) { Error($"'{key}' must be a list", value.Line); return null; }
        if (seq.Items.Count > maxItems) { Error($"'{key}' has more than {maxItems} entries", seq.Line); return null; }
        var list = new List<string>();
        foreach (var item in seq.Items)
        {
            if (item is YamlScalar s && s.Text.Trim().Length is > 0 and <= 200) list.Add(s.Text.Trim());
            else Error($"'{key}' entries must be short single values", item.Line);
        }
        foreach (var dup in list.GroupBy(x => x, StringComparer.Ordinal).Where(g => g.Count() > 1))
            Error($"'{key}' lists '{dup.Key}' twice", seq.Line);
        return list;
    }

    public YamlMapping? Mapping(string key, bool required = true)
    {
        var value = Value(key, required);
        if (value is null) return null;
        if (value is YamlMapping m) return m;
        Error($"'{key}' must be a mapping of keys to values", value.Line);
        return null;
    }

    public YamlSequence? Sequence(string key, bool required = true)
    {
        var value = Value(key, required);
        if (value is null) return null;
        if (value is YamlSequence s) return s;
        Error($"'{key}' must be a list", value.Line);
        return null;
    }

    private T? Fail<T>(string message, string key)
    {
        Error(message, Value(key, false)?.Line);
        return default;
    }
}
