using System.Text;
using System.Text.Json;
using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Vulnerabilities.Sbom;

/// <summary>
/// Reads the packages a CycloneDX JSON SBOM (spec 1.2 to 1.7) declares, from untrusted input (a vendor's own SBOM):
/// every component (nested ones too) with a purl becomes a <see cref="CatalogedPackage"/> whose ecosystem is its
/// <c>gatehouse:ecosystem</c> property (what Gatehouse wrote: <c>Debian:12</c>), else comes from the purl type
/// (<see cref="PurlEcosystems"/>; the purl type itself when Gatehouse knows no OSV ecosystem for it).
/// Bounded: <see cref="DefaultMaxBytes"/>, <see cref="DefaultMaxComponents"/>, nesting depth <see cref="MaxDepth"/>;
/// duplicate keys refused. SPDX (JSON, tag-value, RDF) and CycloneDX XML are recognised and refused with
/// <see cref="SbomReadError.Unsupported"/>. Nothing throws (but cancellation and I/O errors of the stream itself).
/// </summary>
public static class CycloneDxReader
{
    /// <summary>Largest document read by default (real SBOMs of large images reach tens of MB).</summary>
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    /// <summary>Most components read by default (nested ones counted).</summary>
    public const int DefaultMaxComponents = 100_000;

    /// <summary>Deepest JSON nesting accepted (components nest in components; 64 is far beyond real SBOMs).</summary>
    public const int MaxDepth = 64;

    private const int MaxWarnings = 10;

    private static readonly HashSet<string> SpecVersions = new(StringComparer.Ordinal) { "1.2", "1.3", "1.4", "1.5", "1.6", "1.7" };

    /// <summary>
    /// Reads the SBOM from <paramref name="input"/> (read to its end or to the byte limit, not closed).
    /// </summary>
    /// <param name="input">The document.</param>
    /// <param name="source">Names the SBOM in <see cref="CatalogedPackage.DeclaredIn"/> for components that
    /// name no file of their own (a <c>gatehouse:declared-in</c> property or an evidence occurrence does).</param>
    /// <param name="maxBytes">Byte limit.</param>
    /// <param name="maxComponents">Component limit.</param>
    public static SbomReadResult Read(Stream input, string source = "sbom", long maxBytes = DefaultMaxBytes, int maxComponents = DefaultMaxComponents)
    {
        ArgumentNullException.ThrowIfNull(input);
        var bytes = ReadBounded(input, maxBytes);
        return bytes is null
            ? SbomReadResult.Fail(SbomReadError.TooLarge, $"the SBOM has more than {maxBytes} bytes")
            : Read(bytes, source, maxBytes, maxComponents);
    }

    /// <summary>Reads the SBOM from bytes (see <see cref="Read(Stream, string, long, int)"/>).</summary>
    public static SbomReadResult Read(ReadOnlySpan<byte> utf8, string source = "sbom", long maxBytes = DefaultMaxBytes, int maxComponents = DefaultMaxComponents)
    {
        if (utf8.Length > maxBytes) return SbomReadResult.Fail(SbomReadError.TooLarge, $"the SBOM has {utf8.Length} bytes; the limit is {maxBytes}");
        if (utf8.StartsWith("\uFEFF"u8)) utf8 = utf8[3..];
        if (Unsupported(utf8) is { } unsupported) return SbomReadResult.Fail(SbomReadError.Unsupported, unsupported);
        JsonDocument doc;
        try
        {
            doc = Pipeline.StrictJson.Parse(utf8.ToArray(), new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            return SbomReadResult.Fail(SbomReadError.Invalid, "not JSON: " + e.Message);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return SbomReadResult.Fail(SbomReadError.Invalid, "the document is not a JSON object");
            if (root.TryGetProperty("spdxVersion", out _) || root.TryGetProperty("@context", out var context) && context.ToString().Contains("spdx", StringComparison.OrdinalIgnoreCase))
                return SbomReadResult.Fail(SbomReadError.Unsupported, "an SPDX document; Gatehouse reads CycloneDX JSON (1.2 to 1.7)");
            if (!root.TryGetProperty("bomFormat", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != "CycloneDX")
                return SbomReadResult.Fail(SbomReadError.Invalid, "bomFormat is not \"CycloneDX\"");
            if (!root.TryGetProperty("specVersion", out var spec) || spec.ValueKind != JsonValueKind.String)
                return SbomReadResult.Fail(SbomReadError.Invalid, "specVersion is missing");
            var specVersion = spec.GetString()!;
            if (!SpecVersions.Contains(specVersion))
                return SbomReadResult.Fail(SbomReadError.Unsupported, $"CycloneDX {specVersion}; Gatehouse reads CycloneDX JSON 1.2 to 1.7");

            var state = new State(source, maxComponents);
            string? subjectName = null, subjectVersion = null;
            if (root.TryGetProperty("metadata", out var metadata))
            {
                if (metadata.ValueKind != JsonValueKind.Object) return SbomReadResult.Fail(SbomReadError.Invalid, "metadata is not an object");
                if (metadata.TryGetProperty("component", out var subject) && subject.ValueKind == JsonValueKind.Object)
                {
                    subjectName = OptionalString(subject, "name");
                    subjectVersion = OptionalString(subject, "version");
                }
            }
            if (root.TryGetProperty("components", out var components) && Walk(components, "components", state) is { } problem)
                return problem;
            var serial = root.TryGetProperty("serialNumber", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            var packages = state.Packages
                .DistinctBy(p => (p.Purl.ToString(), p.DeclaredIn))
                .OrderBy(p => p.Purl.ToString(), StringComparer.Ordinal)
                .ThenBy(p => p.DeclaredIn, StringComparer.Ordinal)
                .ToList();
            return SbomReadResult.Ok(packages, specVersion, serial, subjectName, subjectVersion, state.WithoutPurl, state.InvalidPurls, state.Warnings);
        }
    }

    private sealed class State(string source, int maxComponents)
    {
        public string Source { get; } = source;
        public int MaxComponents { get; } = maxComponents;
        public int Count { get; set; }
        public int WithoutPurl { get; set; }
        public int InvalidPurls { get; set; }
        public List<CatalogedPackage> Packages { get; } = [];
        public List<string> Warnings { get; } = [];
    }

    private static SbomReadResult? Walk(JsonElement components, string where, State state)
    {
        if (components.ValueKind != JsonValueKind.Array) return SbomReadResult.Fail(SbomReadError.Invalid, $"{where} is not an array");
        var i = 0;
        foreach (var c in components.EnumerateArray())
        {
            var at = $"{where}[{i++}]";
            if (c.ValueKind != JsonValueKind.Object) return SbomReadResult.Fail(SbomReadError.Invalid, $"{at} is not an object");
            if (++state.Count > state.MaxComponents)
                return SbomReadResult.Fail(SbomReadError.TooLarge, $"the SBOM has more than {state.MaxComponents} components");
            if (!c.TryGetProperty("purl", out var purlElement) || purlElement.ValueKind == JsonValueKind.Null)
            {
                state.WithoutPurl++;
            }
            else if (purlElement.ValueKind != JsonValueKind.String)
            {
                return SbomReadResult.Fail(SbomReadError.Invalid, $"{at}.purl is not a string");
            }
            else if (!PackageUrl.TryParse(purlElement.GetString(), out var purl, out var problem))
            {
                state.InvalidPurls++;
                if (state.Warnings.Count < MaxWarnings) state.Warnings.Add($"{at}: the purl is not a package URL ({problem}); skipped");
            }
            else
            {
                var version = purl.Version ?? OptionalString(c, "version") ?? "";
                var ecosystem = Property(c, CycloneDxWriter.EcosystemProperty) is { Length: > 0 } named ? named : PurlEcosystems.Ecosystem(purl) ?? purl.Type;
                state.Packages.Add(new CatalogedPackage(ecosystem, PurlEcosystems.Name(purl), version, purl, DeclaredIn(c) ?? state.Source)
                {
                    SourceName = Property(c, CycloneDxWriter.SourceNameProperty),
                    SourceVersion = Property(c, CycloneDxWriter.SourceVersionProperty),
                    Layer = Property(c, CycloneDxWriter.LayerProperty),
                });
            }
            if (c.TryGetProperty("components", out var nested) && Walk(nested, at + ".components", state) is { } failed) return failed;
        }
        return null;
    }

    /// <summary>Gatehouse's own property, else the first evidence occurrence's location (what other tools write).</summary>
    private static string? DeclaredIn(JsonElement component)
    {
        if (Property(component, CycloneDxWriter.DeclaredInProperty) is { Length: > 0 } declared) return declared;
        if (component.TryGetProperty("evidence", out var evidence) && evidence.ValueKind == JsonValueKind.Object
            && evidence.TryGetProperty("occurrences", out var occurrences) && occurrences.ValueKind == JsonValueKind.Array)
        {
            foreach (var o in occurrences.EnumerateArray())
                if (o.ValueKind == JsonValueKind.Object && OptionalString(o, "location") is { Length: > 0 } location) return location;
        }
        return null;
    }

    private static string? Property(JsonElement component, string name)
    {
        if (!component.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Array) return null;
        foreach (var p in properties.EnumerateArray())
            if (p.ValueKind == JsonValueKind.Object && OptionalString(p, "name") == name) return OptionalString(p, "value");
        return null;
    }

    private static string? OptionalString(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Recognises the formats Gatehouse does not read, from their first bytes, so the user is told what to send instead.</summary>
    private static string? Unsupported(ReadOnlySpan<byte> utf8)
    {
        var head = Encoding.UTF8.GetString(utf8[..Math.Min(utf8.Length, 4096)]).TrimStart();
        if (head.StartsWith('<'))
            return head.Contains("cyclonedx", StringComparison.OrdinalIgnoreCase) ? "CycloneDX XML; Gatehouse reads CycloneDX JSON (1.2 to 1.7)"
                : head.Contains("spdx", StringComparison.OrdinalIgnoreCase) ? "an SPDX RDF/XML document; Gatehouse reads CycloneDX JSON (1.2 to 1.7)"
                : "an XML document; Gatehouse reads CycloneDX JSON (1.2 to 1.7)";
        if (head.StartsWith("SPDXVersion:", StringComparison.Ordinal) || head.StartsWith("##", StringComparison.Ordinal) && head.Contains("SPDXVersion:", StringComparison.Ordinal))
            return "an SPDX tag-value document; Gatehouse reads CycloneDX JSON (1.2 to 1.7)";
        // CycloneDX protobuf starts with field 1 (spec_version, tag 0x0A) and its length: control bytes JSON never starts with.
        if (utf8.Length > 1 && (IsBinary(utf8[0]) || utf8[0] == 0x0A && IsBinary(utf8[1])))
            return "a binary document (CycloneDX protobuf?); Gatehouse reads CycloneDX JSON (1.2 to 1.7)";
        return null;
    }

    private static bool IsBinary(byte b) => b < 0x20 && b is not (0x09 or 0x0A or 0x0D);

    /// <summary>The whole stream, or null when it has more than <paramref name="maxBytes"/>.</summary>
    internal static byte[]? ReadBounded(Stream input, long maxBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = input.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > maxBytes) return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }
}
