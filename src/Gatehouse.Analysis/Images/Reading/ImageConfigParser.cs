using System.Text.Json;

namespace Gatehouse.Analysis.Images.Reading;

/// <summary>What the image config JSON says: the runtime config, its platform and the layers' diff IDs.</summary>
internal sealed record ParsedImageConfig(ImageConfig Config, ImagePlatform? Platform, IReadOnlyList<string> DiffIds);

/// <summary>
/// Parses an OCI image config / Docker image JSON. Missing fields and fields of the wrong type are left empty (the checks
/// decide what a missing field means); JSON that does not parse, or that is no object, is <c>image.unreadable</c>.
/// </summary>
internal static class ImageConfigParser
{
    public static ParsedImageConfig Parse(ReadOnlyMemory<byte> bytes)
    {
        using var doc = ImageJson.Parse(bytes, "image config");
        var root = doc.RootElement;
        var c = Object(root, "config");
        var config = new ImageConfig
        {
            User = String(c, "User"),
            Env = StringList(c, "Env") ?? [],
            Labels = Labels(c),
            Entrypoint = StringList(c, "Entrypoint"),
            Cmd = StringList(c, "Cmd"),
            WorkingDir = String(c, "WorkingDir"),
            ExposedPorts = Object(c, "ExposedPorts") is { } ports ? ports.EnumerateObject().Select(p => p.Name).ToList() : [],
            Healthcheck = Healthcheck(Object(c, "Healthcheck")),
            History = History(root),
            Created = String(root, "created"),
        };
        var os = String(root, "os");
        var arch = String(root, "architecture");
        var platform = os is { Length: > 0 } && arch is { Length: > 0 }
            ? new ImagePlatform(os.ToLowerInvariant(), arch.ToLowerInvariant(), String(root, "variant") is { Length: > 0 } v ? v.ToLowerInvariant() : null)
            : null;
        var diffIds = Object(root, "rootfs") is { } rootfs ? StringList(rootfs, "diff_ids") ?? [] : [];
        return new ParsedImageConfig(config, platform, diffIds);
    }

    private static JsonElement? Object(JsonElement? parent, string name) =>
        parent is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    private static string? String(JsonElement? parent, string name) =>
        parent is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static List<string>? StringList(JsonElement? parent, string name)
    {
        if (parent is not { ValueKind: JsonValueKind.Object } p || !p.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Array) return null;
        return v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList();
    }

    private static Dictionary<string, string> Labels(JsonElement? config)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Object(config, "Labels") is { } l)
            foreach (var p in l.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.String) labels[p.Name] = p.Value.GetString()!;
        return labels;
    }

    private static ImageHealthcheck? Healthcheck(JsonElement? h)
    {
        if (h is null) return null;
        var test = StringList(h, "Test");
        if (test is null || test.Count == 0) return null;
        return new ImageHealthcheck(test, Duration(h.Value, "Interval"), Duration(h.Value, "Timeout"),
            h.Value.TryGetProperty("Retries", out var r) && r.ValueKind == JsonValueKind.Number && r.TryGetInt32(out var n) ? n : null);
    }

    // Docker writes durations in nanoseconds.
    private static TimeSpan? Duration(JsonElement h, string name) =>
        h.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var ns) && ns > 0
            ? TimeSpan.FromTicks(ns / 100) : null;

    private static List<ImageHistoryEntry> History(JsonElement root)
    {
        if (!root.TryGetProperty("history", out var h) || h.ValueKind != JsonValueKind.Array) return [];
        return h.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(e => new ImageHistoryEntry(
            String(e, "created_by"),
            e.TryGetProperty("empty_layer", out var el) && el.ValueKind == JsonValueKind.True,
            String(e, "created"),
            String(e, "comment"))).ToList();
    }
}

/// <summary>Bounded JSON parsing for image metadata.</summary>
internal static class ImageJson
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32 };

    /// <summary>Parses <paramref name="bytes"/>; malformed or non-object JSON is <c>image.unreadable</c>.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> bytes, string what)
    {
        JsonDocument doc;
        // Strict: a string that is no text would otherwise throw InvalidOperationException when a reader gets to it (fuzzing, issue 21).
        try { doc = Pipeline.StrictJson.Parse(bytes, Options); }
        catch (JsonException e) { throw new ImageException("image.unreadable", $"{what} is not valid JSON: {e.Message}", e); }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = doc.RootElement.ValueKind;
            doc.Dispose();
            throw new ImageException("image.unreadable", $"{what} is JSON {kind}, not an object");
        }
        return doc;
    }

    /// <summary>Reads a whole metadata file, refusing more than <paramref name="max"/> bytes before reading past it.</summary>
    public static byte[] ReadBounded(Stream stream, int max, string what)
    {
        if (stream.CanSeek && stream.Length > max) throw new ImageException("image.limit", $"{what} is {stream.Length} bytes, over the limit of {max}");
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + n > max) throw new ImageException("image.limit", $"{what} is over the limit of {max} bytes");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }
}
