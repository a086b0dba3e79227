using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Gatehouse.Analysis.Vulnerabilities.Osv;

/// <summary>
/// Reads one OSV record from untrusted JSON. Bounded: a byte limit, a nesting limit of <see cref="MaxDepth"/>, duplicate
/// keys rejected (an ambiguous record is not guessed at), unknown fields ignored. A missing <c>id</c> or <c>modified</c>,
/// a <c>package</c> without <c>ecosystem</c>/<c>name</c>, a null inside a list, or a wrong JSON type yields
/// <see cref="OsvParseError.Invalid"/>; nothing throws.
/// </summary>
public static class OsvParser
{
    /// <summary>The default byte limit. Real records reach a few hundred kB (long <c>versions</c> lists); 8 MiB leaves room.</summary>
    public const int DefaultMaxBytes = 8 * 1024 * 1024;

    /// <summary>The deepest nesting accepted (the schema itself needs 6; <c>database_specific</c> gets the rest).</summary>
    public const int MaxDepth = 32;

    private static readonly JsonTypeInfo<OsvRecord> TypeInfo = new OsvJsonContext(new JsonSerializerOptions
    {
        MaxDepth = MaxDepth,
        AllowDuplicateProperties = false,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    }).OsvRecord;

    /// <summary>Parses UTF-8 JSON.</summary>
    public static OsvParseResult Parse(ReadOnlySpan<byte> utf8Json, int maxBytes = DefaultMaxBytes)
    {
        if (utf8Json.Length > maxBytes)
            return OsvParseResult.Fail(OsvParseError.TooLarge, $"the record has {utf8Json.Length} bytes; the limit is {maxBytes}");
        OsvRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(utf8Json, TypeInfo);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            return OsvParseResult.Fail(OsvParseError.Invalid, e.Message);
        }
        if (record is null) return OsvParseResult.Fail(OsvParseError.Invalid, "the document is null, not an OSV record");
        record = Normalize(record);
        var problem = Check(record);
        return problem is null ? OsvParseResult.Ok(record) : OsvParseResult.Fail(OsvParseError.Invalid, problem);
    }

    /// <summary>Parses a string (encoded to UTF-8 first; the byte limit applies to the encoded size).</summary>
    public static OsvParseResult Parse(string json, int maxBytes = DefaultMaxBytes)
    {
        if (json is null) return OsvParseResult.Fail(OsvParseError.Invalid, "no document");
        // Cheap pre-check so a huge string is not encoded just to be refused.
        if (json.Length > maxBytes)
            return OsvParseResult.Fail(OsvParseError.TooLarge, $"the record has over {maxBytes} bytes; the limit is {maxBytes}");
        return Parse(Encoding.UTF8.GetBytes(json), maxBytes);
    }

    // The generated deserializer sets every init-only property, so an absent list arrives as null, not as its default
    // empty list. (An explicit JSON null is already refused by RespectNullableAnnotations.)
    private static OsvRecord Normalize(OsvRecord r) => r with
    {
        Aliases = r.Aliases ?? [],
        Related = r.Related ?? [],
        Severity = r.Severity ?? [],
        References = r.References ?? [],
        Affected = r.Affected is null ? [] : r.Affected.Select(a => a is null ? null! : a with
        {
            Severity = a.Severity ?? [],
            Versions = a.Versions ?? [],
            Ranges = a.Ranges is null ? [] : a.Ranges.Select(x => x is null ? null! : x with { Events = x.Events ?? [] }).ToList(),
        }).ToList(),
    };

    // What the serializer does not enforce: non-empty id, and no nulls inside lists (nullable annotations on a
    // list's element type are not checked by System.Text.Json).
    private static string? Check(OsvRecord r)
    {
        if (string.IsNullOrWhiteSpace(r.Id)) return "id is empty";
        if (r.Aliases.Any(a => a is null) || r.Related.Any(a => a is null)) return "aliases/related contain null";
        if (r.Severity.Any(s => s is null) || r.References.Any(x => x is null)) return "severity/references contain null";
        foreach (var a in r.Affected)
        {
            if (a is null) return "affected contains null";
            if (a.Severity.Any(s => s is null)) return "affected[].severity contains null";
            if (a.Versions.Any(v => v is null)) return "affected[].versions contains null";
            if (a.Package is { } p && (string.IsNullOrEmpty(p.Ecosystem) || string.IsNullOrEmpty(p.Name)))
                return "affected[].package needs ecosystem and name";
            foreach (var range in a.Ranges)
            {
                if (range is null) return "affected[].ranges contains null";
                if (range.Events.Any(e => e is null)) return "affected[].ranges[].events contains null";
            }
        }
        return null;
    }
}
