using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Charts.Schema;

/// <summary>One thing the schema found wrong in an object.</summary>
/// <param name="Field">Dotted, list items by name when they have one: <c>spec.template.spec.containers[web].image</c>.</param>
/// <param name="Pointer">The same place as a JSON pointer (<c>/spec/template/spec/containers/0/image</c>), for comparing with other validators.</param>
internal sealed record SchemaProblem(RuleDescriptor Rule, string Field, string Pointer, string Message, string? Evidence)
{
    /// <summary>Overrides the rule's default severity.</summary>
    public Severity? Severity { get; init; }
}

/// <summary>
/// Walks one object against a definition and collects every problem (up to a bound): unknown fields, wrong types, missing
/// required fields. Kubernetes semantics: null is accepted wherever a field is optional (Helm renders <c>key:</c> as null), a
/// required field that is null is missing; numbers and booleans given as strings are wrong types, and so are numbers where
/// strings are expected (the API server's decoder refuses both).
/// </summary>
internal sealed partial class ObjectValidator(Func<string, SchemaDefinition> resolve, int limit)
{
    private const int MaxDepth = 64;

    public List<SchemaProblem> Problems { get; } = [];

    /// <summary>Problems found beyond the limit (counted, not kept).</summary>
    public int Dropped { get; private set; }

    /// <summary>Validates an object's body; <paramref name="skip"/> names top-level fields not validated (<c>status</c>).</summary>
    public void ValidateRoot(JsonObject body, SchemaDefinition definition, IReadOnlySet<string> skip) =>
        ValidateObject(body, definition, "", "", 0, skip);

    private void ValidateObject(JsonObject obj, SchemaDefinition def, string field, string pointer, int depth, IReadOnlySet<string>? skip)
    {
        foreach (var (name, value) in obj)
        {
            if (skip is not null && skip.Contains(name)) continue;
            var childField = Join(field, name);
            var childPointer = pointer + "/" + Escape(name);
            if (!def.Properties.TryGetValue(name, out var type))
            {
                if (!def.AllowsUnknownFields)
                    Add(SchemaRules.UnknownField, childField, childPointer, $"{childField} is not a field of {def.Name}", name);
                continue;
            }
            if (value is null)
            {
                if (def.Required.Contains(name))
                    Add(SchemaRules.MissingRequired, childField, childPointer, $"{childField} is required by {def.Name} and must not be null", $"{name}: null");
                continue; // Kubernetes treats an optional null as absent
            }
            Validate(value, type, childField, childPointer, depth + 1, name);
        }
        foreach (var name in def.Required)
        {
            if (skip is not null && skip.Contains(name)) continue;
            if (!obj.ContainsKey(name))
            {
                var childField = Join(field, name);
                Add(SchemaRules.MissingRequired, childField, pointer + "/" + Escape(name), $"{childField} is required by {def.Name} but missing", null);
            }
        }
    }

    private void Validate(JsonNode node, SchemaType type, string field, string pointer, int depth, string label)
    {
        if (depth > MaxDepth)
        {
            Add(SchemaRules.WrongType, field, pointer, $"{field} is nested more than {MaxDepth} levels deep", null);
            return;
        }
        switch (type.Kind)
        {
            case SchemaTypeKind.Any:
                return;
            case SchemaTypeKind.Object:
                if (node is JsonObject o) ValidateObject(o, resolve(type.Definition!), field, pointer, depth, null);
                else WrongType(node, type, field, pointer, label);
                return;
            case SchemaTypeKind.List:
                if (node is not JsonArray list) { WrongType(node, type, field, pointer, label); return; }
                for (var i = 0; i < list.Count; i++)
                {
                    var item = list[i];
                    var itemField = $"{field}[{ItemName(item) ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture)}]";
                    var itemPointer = $"{pointer}/{i}";
                    if (item is null) Add(SchemaRules.WrongType, itemField, itemPointer, $"{itemField} must be {type.Item!.Describe()}, not null", $"{label}[{i}]: null");
                    else Validate(item, type.Item!, itemField, itemPointer, depth + 1, $"{label}[{i}]");
                }
                return;
            case SchemaTypeKind.Map:
                if (node is not JsonObject map) { WrongType(node, type, field, pointer, label); return; }
                foreach (var (key, value) in map)
                {
                    // A null map value decodes as the zero value (labels: {a: null} is a: ""), so it is accepted.
                    if (value is not null) Validate(value, type.Item!, $"{field}[{key}]", pointer + "/" + Escape(key), depth + 1, key);
                }
                return;
            default:
                if (!ScalarFits(node, type)) WrongType(node, type, field, pointer, label);
                return;
        }
    }

    private static bool ScalarFits(JsonNode node, SchemaType type)
    {
        if (node is not JsonValue v) return false;
        var kind = v.GetValueKind();
        return type.Kind switch
        {
            SchemaTypeKind.String => kind == JsonValueKind.String,
            SchemaTypeKind.Bytes => kind == JsonValueKind.String && IsBase64(v.GetValue<string>()),
            SchemaTypeKind.Boolean => kind is JsonValueKind.True or JsonValueKind.False,
            SchemaTypeKind.Number => kind == JsonValueKind.Number,
            SchemaTypeKind.Integer => kind == JsonValueKind.Number && IsIntegral(v),
            SchemaTypeKind.IntOrString => kind == JsonValueKind.String || (kind == JsonValueKind.Number && IsIntegral(v)),
            SchemaTypeKind.Quantity => kind == JsonValueKind.Number || (kind == JsonValueKind.String && QuantityPattern().IsMatch(v.GetValue<string>())),
            SchemaTypeKind.Enum => kind == JsonValueKind.String && type.Values!.Contains(v.GetValue<string>()),
            _ => false,
        };
    }

    /// <summary>A number without a fraction, whatever CLR type the YAML reader stored it as (2.0 counts, as in JSON Schema).</summary>
    private static bool IsIntegral(JsonValue v)
    {
        if (v.TryGetValue<long>(out _) || v.TryGetValue<int>(out _) || v.TryGetValue<ulong>(out _)) return true;
        if (v.TryGetValue<decimal>(out var m)) return decimal.Truncate(m) == m;
        return v.TryGetValue<double>(out var d) && double.IsFinite(d) && Math.Truncate(d) == d;
    }

    // Go's encoding/base64 StdEncoding, as the API server decodes []byte fields: padded, line breaks ignored.
    private static bool IsBase64(string text) =>
        text.Length <= 4 * 1024 * 1024 && Base64Pattern().IsMatch(text.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal));

    private void WrongType(JsonNode node, SchemaType type, string field, string pointer, string label)
    {
        if (type.Kind == SchemaTypeKind.Bytes && node.GetValueKind() == JsonValueKind.String)
        {
            // The value is a secret's, most likely: never shown.
            Add(SchemaRules.WrongType, field, pointer,
                $"{field} must be base64-encoded and is not (a Secret's data is encoded: use stringData, or b64enc in the template)", $"{label}: not base64");
            return;
        }
        var (what, shown) = Show(node);
        // A string field may hold anything a vendor put there (an env value, an annotation): a number or boolean in it could be
        // a PIN or a token, so its value is not shown.
        if (type.Kind == SchemaTypeKind.String) shown = null;
        var message = type.Kind == SchemaTypeKind.Enum && node.GetValueKind() == JsonValueKind.String
            ? $"{field} must be {type.Describe()}, not {shown}"
            : type.Kind == SchemaTypeKind.Quantity && node.GetValueKind() == JsonValueKind.String
                ? $"{field} must be {type.Describe()}; {shown} is not a quantity"
                : $"{field} must be {type.Describe()}, not {what}{(shown is null ? "" : $" ({shown})")}";
        Add(SchemaRules.WrongType, field, pointer, message, shown is null ? $"{label}: {what}" : $"{label}: {shown}");
    }

    /// <summary>
    /// What the value is, and the value itself when it is short and safe to show. Values are shown only where the schema wants
    /// something other than a string, so strings shown are quoted numbers, booleans, quantities and enum values, never a
    /// secret (a Secret's stringData and an env value are strings, which fit; a number in a string field and a base64 field
    /// that is not base64 are reported without their value).
    /// </summary>
    private static (string What, string? Shown) Show(JsonNode node)
    {
        switch (node)
        {
            case JsonObject: return ("an object", null);
            case JsonArray: return ("a list", null);
        }
        var kind = node.GetValueKind();
        var what = kind switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "null",
        };
        var text = node.ToJsonString();
        return (what, text.Length <= 40 ? text : text[..37] + "...");
    }

    /// <summary>A list item's <c>name</c> (containers, env, ports, volumes), for a path a vendor can find the item by.</summary>
    private static string? ItemName(JsonNode? item) =>
        item is JsonObject o && o["name"] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 and <= 100 } n
            ? n : null;

    private void Add(RuleDescriptor rule, string field, string pointer, string message, string? evidence)
    {
        if (Problems.Count >= limit) { Dropped++; return; }
        Problems.Add(new SchemaProblem(rule, field, pointer, message, evidence));
    }

    private static string Join(string field, string name) => field.Length == 0 ? name : field + "." + name;

    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    [GeneratedRegex(@"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")]
    private static partial Regex Base64Pattern();

    // k8s.io/apimachinery/pkg/api/resource: a signed decimal number, then a binary (Ki..Ei) or decimal (n u m k M G T P E)
    // suffix or a decimal exponent.
    [GeneratedRegex(@"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$")]
    private static partial Regex QuantityPattern();
}
