using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Analysis.Charts.Rules;

/// <summary>
/// Typed reads of a rendered object's JSON that never throw: a field of the wrong type (a string where Kubernetes wants a
/// boolean) reads as absent, because the schema validation reports wrong types and a rule must not crash on them.
/// </summary>
internal static class Json
{
    public static JsonNode? Get(JsonNode? node, string key) =>
        node is JsonObject o && o.TryGetPropertyValue(key, out var v) ? v : null;

    public static JsonObject? Obj(JsonNode? node, string key) => Get(node, key) as JsonObject;

    public static JsonArray? Arr(JsonNode? node, string key) => Get(node, key) as JsonArray;

    /// <summary>The objects of a list field, with their index (other items skipped).</summary>
    public static IEnumerable<(JsonObject Item, int Index)> Items(JsonNode? node, string key)
    {
        if (Arr(node, key) is not { } list) yield break;
        for (var i = 0; i < list.Count; i++)
            if (list[i] is JsonObject o) yield return (o, i);
    }

    public static string? Str(JsonNode? node, string key) =>
        Get(node, key) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static bool? Bool(JsonNode? node, string key) => Get(node, key) switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.True => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
        _ => null,
    };

    public static long? Int(JsonNode? node, string key) => AsInt(Get(node, key));

    public static long? AsInt(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
        && long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>A scalar as text (strings as they are, numbers and booleans as JSON writes them), null for anything else.</summary>
    public static string? Scalar(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        _ => null,
    };

    /// <summary>The strings of a list field (other items skipped).</summary>
    public static IEnumerable<string> Strings(JsonNode? node, string key) =>
        Arr(node, key) is { } list ? list.Select(Scalar).OfType<string>() : [];

    /// <summary>A list item's place in a field path: <c>[web]</c> by its name when it has one, else <c>[0]</c>.</summary>
    public static string Item(JsonObject item, int index, string nameKey = "name") =>
        Str(item, nameKey) is { Length: > 0 } name ? $"[{name}]" : $"[{index.ToString(CultureInfo.InvariantCulture)}]";
}
