namespace Gatehouse.Analysis.Charts.Schema;

/// <summary>What a field of a Kubernetes object may hold (<c>rules/kubernetes/schema.json</c>'s compact type grammar).</summary>
public enum SchemaTypeKind
{
    /// <summary>A JSON string.</summary>
    String,
    /// <summary>A base64 string (Go <c>[]byte</c>: a Secret's <c>data</c>, a <c>caBundle</c>).</summary>
    Bytes,
    /// <summary>A JSON number without a fraction (never a string of digits: the API server's decoder refuses <c>"3"</c>).</summary>
    Integer,
    /// <summary>Any JSON number.</summary>
    Number,
    /// <summary><c>true</c> or <c>false</c> (never the string <c>"true"</c>).</summary>
    Boolean,
    /// <summary>Anything (free-form: <c>RawExtension</c>, CRD <c>JSON</c>).</summary>
    Any,
    /// <summary>An integer or a string (<c>IntOrString</c>: ports by number or name, <c>25%</c>).</summary>
    IntOrString,
    /// <summary>A resource quantity: a number, or a string such as <c>500m</c>, <c>128Mi</c>, <c>1e3</c>.</summary>
    Quantity,
    /// <summary>A string out of <see cref="SchemaType.Values"/>.</summary>
    Enum,
    /// <summary>An object described by the definition <see cref="SchemaType.Definition"/>.</summary>
    Object,
    /// <summary>A list of <see cref="SchemaType.Item"/>.</summary>
    List,
    /// <summary>A map from string to <see cref="SchemaType.Item"/> (labels, annotations, ConfigMap data, resource limits).</summary>
    Map,
}

/// <summary>One parsed type: <c>string</c>, <c>integer</c>, <c>#IoK8sApiCoreV1Container</c>, <c>[]#…</c>, <c>{}string</c>, <c>enum:A|B</c>.</summary>
public sealed record SchemaType(SchemaTypeKind Kind, string? Definition = null, SchemaType? Item = null, IReadOnlySet<string>? Values = null)
{
    /// <summary>Reads the compact form; throws <see cref="FormatException"/> for anything else (a malformed data file fails loudly).</summary>
    public static SchemaType Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith("[]", StringComparison.Ordinal)) return new(SchemaTypeKind.List, Item: Parse(text[2..]));
        if (text.StartsWith("{}", StringComparison.Ordinal)) return new(SchemaTypeKind.Map, Item: Parse(text[2..]));
        if (text.StartsWith('#') && text.Length > 1) return new(SchemaTypeKind.Object, Definition: text[1..]);
        if (text.StartsWith("enum:", StringComparison.Ordinal))
            return new(SchemaTypeKind.Enum, Values: text[5..].Split('|').ToHashSet(StringComparer.Ordinal));
        return text switch
        {
            "string" => new(SchemaTypeKind.String),
            "bytes" => new(SchemaTypeKind.Bytes),
            "integer" => new(SchemaTypeKind.Integer),
            "number" => new(SchemaTypeKind.Number),
            "boolean" => new(SchemaTypeKind.Boolean),
            "any" => new(SchemaTypeKind.Any),
            "int-or-string" => new(SchemaTypeKind.IntOrString),
            "quantity" => new(SchemaTypeKind.Quantity),
            _ => throw new FormatException($"unknown schema type '{text}'"),
        };
    }

    /// <summary>How a message names it: <c>a string</c>, <c>an integer</c>, <c>a list</c>, <c>an object</c>.</summary>
    public string Describe() => Kind switch
    {
        SchemaTypeKind.String => "a string",
        SchemaTypeKind.Bytes => "a base64 string",
        SchemaTypeKind.Integer => "an integer",
        SchemaTypeKind.Number => "a number",
        SchemaTypeKind.Boolean => "a boolean (true or false, unquoted)",
        SchemaTypeKind.Any => "any value",
        SchemaTypeKind.IntOrString => "an integer or a string",
        SchemaTypeKind.Quantity => "a quantity (a number, or a string such as 500m or 128Mi)",
        SchemaTypeKind.Enum => "one of " + string.Join(", ", Values!.Order(StringComparer.Ordinal)),
        SchemaTypeKind.Object => "an object",
        SchemaTypeKind.List => "a list",
        SchemaTypeKind.Map => "a map",
        _ => Kind.ToString(),
    };
}
