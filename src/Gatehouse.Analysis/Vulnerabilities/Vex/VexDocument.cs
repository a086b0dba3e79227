using System.Globalization;
using System.Text;
using System.Text.Json;
using Gatehouse.Analysis.Vulnerabilities.Packages;
using Gatehouse.Analysis.Vulnerabilities.Sbom;

namespace Gatehouse.Analysis.Vulnerabilities.Vex;

/// <summary>
/// A VEX document a vendor submits to answer vulnerability findings: OpenVEX v0.2.0 JSON or CycloneDX JSON with
/// <c>vulnerabilities[].analysis</c>, reduced to the statements Gatehouse needs. Parsed from untrusted input: bounded
/// (<see cref="DefaultMaxBytes"/>, <see cref="DefaultMaxStatements"/>, nesting <see cref="MaxDepth"/>), duplicate keys
/// refused, stable error codes (<see cref="VexParseError"/>); nothing throws but the stream's own errors.
/// </summary>
/// <param name="Format">The format it was written in.</param>
/// <param name="Id">The document's ID (OpenVEX <c>@id</c>, CycloneDX <c>serialNumber</c>), when it has one.</param>
/// <param name="Author">Who wrote it (OpenVEX <c>author</c>, CycloneDX <c>metadata.authors[0].name</c> or the supplier), when given.</param>
/// <param name="Timestamp">When it was written, when given.</param>
/// <param name="Statements">The statements, in document order.</param>
public sealed record VexDocument(VexFormat Format, string? Id, string? Author, DateTimeOffset? Timestamp, IReadOnlyList<VexStatement> Statements)
{
    /// <summary>Largest document parsed by default.</summary>
    public const long DefaultMaxBytes = 16L * 1024 * 1024;

    /// <summary>Most statements parsed by default.</summary>
    public const int DefaultMaxStatements = 10_000;

    /// <summary>Deepest JSON nesting accepted.</summary>
    public const int MaxDepth = 64;

    // Longest ID, product identifier or free text kept (a bound on what reaches the reviewer's page).
    private const int MaxText = 8192;

    /// <summary>Parses a VEX document from <paramref name="input"/> (read to its end or the byte limit, not closed).</summary>
    public static VexParseResult Parse(Stream input, long maxBytes = DefaultMaxBytes, int maxStatements = DefaultMaxStatements)
    {
        ArgumentNullException.ThrowIfNull(input);
        var bytes = CycloneDxReader.ReadBounded(input, maxBytes);
        return bytes is null
            ? VexParseResult.Fail(VexParseError.TooLarge, $"the VEX document has more than {maxBytes} bytes")
            : Parse(bytes, maxBytes, maxStatements);
    }

    /// <summary>Parses a VEX document from UTF-8 bytes.</summary>
    public static VexParseResult Parse(ReadOnlySpan<byte> utf8, long maxBytes = DefaultMaxBytes, int maxStatements = DefaultMaxStatements)
    {
        if (utf8.Length > maxBytes) return VexParseResult.Fail(VexParseError.TooLarge, $"the VEX document has {utf8.Length} bytes; the limit is {maxBytes}");
        if (utf8.StartsWith("\uFEFF"u8)) utf8 = utf8[3..];
        var head = Encoding.UTF8.GetString(utf8[..Math.Min(utf8.Length, 256)]).TrimStart();
        if (head.StartsWith('<')) return VexParseResult.Fail(VexParseError.Unsupported, "an XML document; Gatehouse reads OpenVEX v0.2.0 and CycloneDX VEX as JSON");
        JsonDocument doc;
        try
        {
            doc = Pipeline.StrictJson.Parse(utf8.ToArray(), new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            return VexParseResult.Fail(VexParseError.Invalid, "not JSON: " + e.Message);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return VexParseResult.Fail(VexParseError.Invalid, "the document is not a JSON object");
            try
            {
                if (root.TryGetProperty("@context", out var context)) return ParseOpenVex(root, context, maxStatements);
                if (root.TryGetProperty("bomFormat", out _)) return ParseCycloneDx(root, maxStatements);
                if (root.TryGetProperty("document", out var csaf) && csaf.ValueKind == JsonValueKind.Object && csaf.TryGetProperty("csaf_version", out _))
                    return VexParseResult.Fail(VexParseError.Unsupported, "a CSAF document; Gatehouse reads OpenVEX v0.2.0 and CycloneDX VEX");
                return VexParseResult.Fail(VexParseError.Invalid, "neither OpenVEX (@context) nor CycloneDX (bomFormat)");
            }
            catch (VexException e)
            {
                return VexParseResult.Fail(e.Code, e.Message);
            }
        }
    }

    private static VexParseResult ParseOpenVex(JsonElement root, JsonElement context, int maxStatements)
    {
        var ctx = context.ValueKind == JsonValueKind.String ? context.GetString()! : "";
        if (!ctx.StartsWith("https://openvex.dev/ns", StringComparison.Ordinal))
            throw new VexException(VexParseError.Invalid, "@context is not OpenVEX's");
        // v0.2.0 is the current version; the unversioned namespace means "the latest". v0.0.x wrote vulnerabilities and
        // products as plain strings: a different shape.
        if (ctx is not ("https://openvex.dev/ns/v0.2.0" or "https://openvex.dev/ns"))
            throw new VexException(VexParseError.Unsupported, $"OpenVEX {ctx[Math.Min(ctx.Length, 23)..]}; Gatehouse reads OpenVEX v0.2.0");
        var statements = Array(root, "statements", "statements", required: true);
        if (statements.GetArrayLength() > maxStatements)
            throw new VexException(VexParseError.TooLarge, $"the document has more than {maxStatements} statements");
        var list = new List<VexStatement>();
        var i = 0;
        foreach (var s in statements.EnumerateArray())
        {
            var at = $"statements[{i++}]";
            if (s.ValueKind != JsonValueKind.Object) throw Invalid($"{at} is not an object");
            var vulnerability = s.TryGetProperty("vulnerability", out var v) ? v : throw Invalid($"{at}.vulnerability is missing");
            if (vulnerability.ValueKind != JsonValueKind.Object) throw Invalid($"{at}.vulnerability is not an object");
            var id = Text(vulnerability, "name", at + ".vulnerability") ?? throw Invalid($"{at}.vulnerability.name is missing");
            var aliases = Strings(vulnerability, "aliases", at + ".vulnerability").Where(a => a != id).Distinct(StringComparer.Ordinal).ToList();
            var products = new SortedSet<string>(StringComparer.Ordinal);
            var subcomponents = new SortedSet<string>(StringComparer.Ordinal);
            if (s.TryGetProperty("products", out _))
            {
                var j = 0;
                foreach (var p in Array(s, "products", at + ".products", required: false).EnumerateArray())
                {
                    var pat = $"{at}.products[{j++}]";
                    if (p.ValueKind != JsonValueKind.Object) throw Invalid($"{pat} is not an object");
                    products.Add(ProductId(p, pat));
                    if (p.TryGetProperty("subcomponents", out _))
                    {
                        var k = 0;
                        foreach (var sub in Array(p, "subcomponents", pat + ".subcomponents", required: false).EnumerateArray())
                        {
                            if (sub.ValueKind != JsonValueKind.Object) throw Invalid($"{pat}.subcomponents[{k}] is not an object");
                            subcomponents.Add(ProductId(sub, $"{pat}.subcomponents[{k++}]"));
                        }
                    }
                }
            }
            var statusText = Text(s, "status", at) ?? throw Invalid($"{at}.status is missing");
            if (!VexJustifications.Statuses.TryGetValue(statusText, out var status))
                throw Invalid($"{at}.status '{Short(statusText)}' is not one of not_affected, affected, fixed, under_investigation");
            VexJustification? justification = null;
            if (Text(s, "justification", at) is { } jt)
            {
                if (!VexJustifications.OpenVex.TryGetValue(jt, out var j2)) throw Invalid($"{at}.justification '{Short(jt)}' is not an OpenVEX justification");
                justification = j2;
            }
            var impact = Text(s, "impact_statement", at);
            // OpenVEX v0.2.0: a not_affected statement MUST carry a justification or an impact statement.
            if (status == VexStatus.NotAffected && justification is null && string.IsNullOrWhiteSpace(impact))
                throw Invalid($"{at} is not_affected without a justification or an impact_statement");
            list.Add(new VexStatement(id, aliases, products.ToList(), status, status == VexStatus.NotAffected ? justification : null,
                impact, Text(s, "action_statement", at)) { Subcomponents = subcomponents.ToList() });
        }
        return VexParseResult.Ok(new VexDocument(VexFormat.OpenVex, Text(root, "@id", "document"), Text(root, "author", "document"),
            Time(root, "timestamp", "document"), list));
    }

    /// <summary>An OpenVEX product: its <c>@id</c>, else <c>identifiers.purl</c>; a purl is written in canonical form.</summary>
    private static string ProductId(JsonElement product, string at)
    {
        var id = Text(product, "@id", at);
        if (product.TryGetProperty("identifiers", out var identifiers) && identifiers.ValueKind == JsonValueKind.Object
            && Text(identifiers, "purl", at + ".identifiers") is { } purl)
            id = purl;
        if (id is null) throw Invalid($"{at} has neither @id nor identifiers.purl");
        return Canonical(id);
    }

    private static VexParseResult ParseCycloneDx(JsonElement root, int maxStatements)
    {
        if (Text(root, "bomFormat", "document") != "CycloneDX") throw Invalid("bomFormat is not \"CycloneDX\"");
        var spec = Text(root, "specVersion", "document");
        // analysis (VEX) came with CycloneDX 1.4.
        if (spec is not ("1.4" or "1.5" or "1.6" or "1.7"))
            throw new VexException(VexParseError.Unsupported, $"CycloneDX {Short(spec ?? "without specVersion")}; VEX needs CycloneDX 1.4 or later");
        var vulnerabilities = Array(root, "vulnerabilities", "vulnerabilities", required: true);
        if (vulnerabilities.GetArrayLength() > maxStatements)
            throw new VexException(VexParseError.TooLarge, $"the document has more than {maxStatements} vulnerabilities");
        // bom-ref → purl, so affects[].ref can name the package even when the ref is not a purl itself.
        var purls = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("components", out var components)) CollectRefs(components, purls);
        var list = new List<VexStatement>();
        var i = 0;
        foreach (var v in vulnerabilities.EnumerateArray())
        {
            var at = $"vulnerabilities[{i++}]";
            if (v.ValueKind != JsonValueKind.Object) throw Invalid($"{at} is not an object");
            if (!v.TryGetProperty("analysis", out var analysis)) continue; // a finding, not a statement
            if (analysis.ValueKind != JsonValueKind.Object) throw Invalid($"{at}.analysis is not an object");
            var id = Text(v, "id", at) ?? throw Invalid($"{at}.id is missing");
            var aliases = new List<string>();
            if (v.TryGetProperty("references", out _))
            {
                var j = 0;
                foreach (var r in Array(v, "references", at + ".references", required: false).EnumerateArray())
                {
                    if (r.ValueKind != JsonValueKind.Object) throw Invalid($"{at}.references[{j}] is not an object");
                    if (Text(r, "id", $"{at}.references[{j++}]") is { } alias && alias != id && !aliases.Contains(alias)) aliases.Add(alias);
                }
            }
            var state = Text(analysis, "state", at + ".analysis") ?? throw Invalid($"{at}.analysis.state is missing");
            VexStatus status = state switch
            {
                "not_affected" or "false_positive" => VexStatus.NotAffected,
                "exploitable" => VexStatus.Affected,
                "resolved" or "resolved_with_pedigree" => VexStatus.Fixed,
                "in_triage" => VexStatus.UnderInvestigation,
                _ => throw Invalid($"{at}.analysis.state '{Short(state)}' is not a CycloneDX impact analysis state"),
            };
            VexJustification? justification = null;
            if (Text(analysis, "justification", at + ".analysis") is { } jt)
            {
                if (!VexJustifications.CycloneDx.TryGetValue(jt, out var j2)) throw Invalid($"{at}.analysis.justification '{Short(jt)}' is not a CycloneDX justification");
                justification = j2;
            }
            var responses = Strings(analysis, "response", at + ".analysis");
            var products = new SortedSet<string>(StringComparer.Ordinal);
            if (v.TryGetProperty("affects", out _))
            {
                var j = 0;
                foreach (var a in Array(v, "affects", at + ".affects", required: false).EnumerateArray())
                {
                    if (a.ValueKind != JsonValueKind.Object) throw Invalid($"{at}.affects[{j}] is not an object");
                    var reference = Text(a, "ref", $"{at}.affects[{j++}]") ?? throw Invalid($"{at}.affects[{j - 1}].ref is missing");
                    products.Add(Resolve(reference, purls));
                }
            }
            list.Add(new VexStatement(id, aliases, products.ToList(), status, status == VexStatus.NotAffected ? justification : null,
                Text(analysis, "detail", at + ".analysis"), responses.Count == 0 ? null : string.Join(", ", responses)));
        }
        if (list.Count == 0 && vulnerabilities.GetArrayLength() > 0)
            throw Invalid("no vulnerability has an analysis: a CycloneDX VEX states vulnerabilities[].analysis");
        string? author = null;
        if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
        {
            if (metadata.TryGetProperty("authors", out var authors) && authors.ValueKind == JsonValueKind.Array)
                author = authors.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.Object).Select(a => Text(a, "name", "metadata.authors")).FirstOrDefault(n => n is not null);
            if (author is null && metadata.TryGetProperty("supplier", out var supplier) && supplier.ValueKind == JsonValueKind.Object)
                author = Text(supplier, "name", "metadata.supplier");
        }
        var timestamp = root.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object ? Time(md, "timestamp", "metadata") : null;
        return VexParseResult.Ok(new VexDocument(VexFormat.CycloneDx, Text(root, "serialNumber", "document"), author, timestamp, list));
    }

    private static void CollectRefs(JsonElement components, Dictionary<string, string> purls)
    {
        if (components.ValueKind != JsonValueKind.Array) throw Invalid("components is not an array");
        foreach (var c in components.EnumerateArray())
        {
            if (c.ValueKind != JsonValueKind.Object) continue;
            if (Text(c, "bom-ref", "component") is { } bomRef && Text(c, "purl", "component") is { } purl) purls.TryAdd(bomRef, purl);
            if (c.TryGetProperty("components", out var nested)) CollectRefs(nested, purls); // depth is bounded by the parser's MaxDepth
        }
    }

    /// <summary>A bom-ref or BOM-link (<c>urn:cdx:serial/version#bom-ref</c>) as the purl it names when it names one.</summary>
    private static string Resolve(string reference, Dictionary<string, string> purls)
    {
        var r = reference;
        if (r.StartsWith("urn:cdx:", StringComparison.Ordinal) && r.IndexOf('#', StringComparison.Ordinal) is var hash and > 0)
            r = Uri.UnescapeDataString(r[(hash + 1)..]);
        if (purls.TryGetValue(r, out var purl)) r = purl;
        return Canonical(r);
    }

    private static string Canonical(string id) =>
        id.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase) && PackageUrl.TryParse(id, out var purl, out _) ? purl.ToString() : id;

    private static JsonElement Array(JsonElement o, string name, string at, bool required)
    {
        if (!o.TryGetProperty(name, out var a))
        {
            if (required) throw Invalid($"{at} is missing");
            return default;
        }
        return a.ValueKind == JsonValueKind.Array ? a : throw Invalid($"{at} is not an array");
    }

    private static string? Text(JsonElement o, string name, string at)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) throw Invalid($"{at}.{name} is not a string");
        var s = v.GetString()!;
        if (s.Length > MaxText) throw Invalid($"{at}.{name} is longer than {MaxText} characters");
        return s.Length == 0 ? null : s;
    }

    private static List<string> Strings(JsonElement o, string name, string at)
    {
        if (!o.TryGetProperty(name, out _)) return [];
        var list = new List<string>();
        foreach (var e in Array(o, name, $"{at}.{name}", required: false).EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.String) throw Invalid($"{at}.{name} holds something other than strings");
            var s = e.GetString()!;
            if (s.Length > MaxText) throw Invalid($"{at}.{name} holds a string longer than {MaxText} characters");
            if (s.Length > 0) list.Add(s);
        }
        return list;
    }

    private static DateTimeOffset? Time(JsonElement o, string name, string at) =>
        Text(o, name, at) is not { } text ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t
        : throw Invalid($"{at}.{name} '{Short(text)}' is not a date and time");

    private static string Short(string s) => s.Length > 64 ? s[..64] + "…" : s;

    private static VexException Invalid(string message) => new(VexParseError.Invalid, message);

    /// <summary>Carries a refusal out of the nested readers to <see cref="Parse(ReadOnlySpan{byte}, long, int)"/>; never escapes it.</summary>
    private sealed class VexException(string code, string message) : Exception(message)
    {
        public string Code { get; } = code;
    }
}
