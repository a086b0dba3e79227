using System.Text.Json;
using System.Text.Unicode;

namespace Gatehouse.Analysis.Pipeline;

/// <summary>
/// <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/> for hostile files, whose every string and
/// property name is text. JsonDocument checks a string only when it is read: bytes that are no UTF-8 (RFC 8259 §8.1) or an
/// escaped lone surrogate (<c>"\ud800"</c>) make <see cref="JsonElement.GetString"/> throw
/// <see cref="InvalidOperationException"/> deep inside a reader that expects only <see cref="JsonException"/>. Found by
/// fuzzing (issue 21, docs/fuzzing.md); this checks the whole document once, so readers keep their one catch.
/// </summary>
internal static class StrictJson
{
    /// <summary>Parses <paramref name="utf8"/>; throws <see cref="JsonException"/> for malformed JSON and for a string that is no text.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, JsonDocumentOptions options)
    {
        if (!Utf8.IsValid(utf8.Span)) throw new JsonException("the JSON text is not UTF-8");
        return Checked(() => JsonDocument.Parse(utf8, options));
    }

    /// <summary>Parses <paramref name="json"/> (text already decoded); throws <see cref="JsonException"/> as the UTF-8 overload does.</summary>
    public static JsonDocument Parse(string json, JsonDocumentOptions options)
    {
        return Checked(() => JsonDocument.Parse(json, options));
    }

    private static JsonDocument Checked(Func<JsonDocument> parse)
    {
        JsonDocument doc;
        try
        {
            // Even the parse decodes names when AllowDuplicateProperties is false (to compare them).
            doc = parse();
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonException("a JSON string is not valid text: " + ex.Message, ex);
        }
        try
        {
            CheckStrings(doc.RootElement);
            return doc;
        }
        catch
        {
            doc.Dispose();
            throw;
        }
    }

    // Iterative: the depth is already bounded by options.MaxDepth, but a stack of our own costs nothing.
    private static void CheckStrings(JsonElement root)
    {
        var pending = new Stack<JsonElement>();
        pending.Push(root);
        try
        {
            while (pending.TryPop(out var e))
            {
                switch (e.ValueKind)
                {
                    case JsonValueKind.String:
                        e.GetString();
                        break;
                    case JsonValueKind.Object:
                        foreach (var p in e.EnumerateObject())
                        {
                            _ = p.Name;
                            pending.Push(p.Value);
                        }
                        break;
                    case JsonValueKind.Array:
                        foreach (var item in e.EnumerateArray()) pending.Push(item);
                        break;
                }
            }
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonException("a JSON string is not valid text: " + ex.Message, ex);
        }
    }
}
