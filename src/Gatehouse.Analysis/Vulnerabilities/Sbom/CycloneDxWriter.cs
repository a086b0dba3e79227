using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Vulnerabilities.Matching;
using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Vulnerabilities.Sbom;

/// <summary>
/// Writes a CycloneDX 1.6 JSON SBOM (valid against the official <c>bom-1.6.schema.json</c>) for one artifact: the
/// artifact as <c>metadata.component</c> with its SHA-256, one component per (purl, declaring file) found, and, when
/// advisory matches are given, a <c>vulnerabilities</c> section. The output is deterministic: components and
/// vulnerabilities are sorted, the <c>serialNumber</c> is a UUID derived from the artifact's SHA-256, so two runs over
/// the same artifact and advisories differ only in <c>metadata.timestamp</c>.
/// </summary>
public static class CycloneDxWriter
{
    /// <summary>The CycloneDX specification version written.</summary>
    public const string SpecVersion = "1.6";

    /// <summary>The media type of what <see cref="Write"/> produces (for downloads).</summary>
    public const string MediaType = "application/vnd.cyclonedx+json; version=1.6";

    /// <summary>The property naming the file that declared a component (CycloneDX property taxonomy: a namespace of our own).</summary>
    public const string DeclaredInProperty = "gatehouse:declared-in";

    /// <summary>
    /// The property giving the package's OSV ecosystem when the purl alone does not say it (an OS package's release:
    /// <c>Debian:12</c>, <c>Alpine:v3.20</c>), so a stored SBOM read back is matched exactly as the scan was.
    /// </summary>
    public const string EcosystemProperty = "gatehouse:ecosystem";

    /// <summary>The property naming an OS package's source package (what distribution advisories are written against).</summary>
    public const string SourceNameProperty = "gatehouse:source-name";

    /// <summary>The property giving an OS package's source version when it differs from the binary's.</summary>
    public const string SourceVersionProperty = "gatehouse:source-version";

    /// <summary>
    /// Container images (issue 17): the property naming the layer that introduced the component (<c>sha256:&lt;hex&gt;</c>, the
    /// layer's DiffID, as the layer paths of findings name it).
    /// </summary>
    public const string LayerProperty = "gatehouse:layer";

    /// <summary>The property marking a match the advisory store could not decide (for a person to judge).</summary>
    public const string UncertainProperty = "gatehouse:uncertain";

    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        // Names and paths from the artifact are written as they are (JSON-escaped where JSON requires), not HTML-escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Writes the SBOM as UTF-8 JSON to <paramref name="output"/> (left open).
    /// </summary>
    /// <param name="output">Where to write; not closed.</param>
    /// <param name="subject">The artifact described.</param>
    /// <param name="packages">The packages found (any order; duplicates of one purl in one file are written once).</param>
    /// <param name="vulnerabilities">Advisory matches for those packages, or null to write no <c>vulnerabilities</c> section.</param>
    /// <param name="timestamp">The <c>metadata.timestamp</c> (when the scan ran).</param>
    public static void Write(Stream output, SbomSubject subject, IReadOnlyList<CatalogedPackage> packages,
        IReadOnlyList<AdvisoryMatch>? vulnerabilities, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(packages);
        if (subject.Sha256 is null || subject.Sha256.Length != 64 || !subject.Sha256.All(char.IsAsciiHexDigit))
            throw new ArgumentException("the subject's SHA-256 must be 64 hex digits", nameof(subject));
        var sha256 = subject.Sha256.ToLowerInvariant();

        // A package matched but not in the list (the caller passed a subset) still gets a component, so every
        // affects[].ref points at one.
        var all = packages.Concat(vulnerabilities?.Select(v => v.Package) ?? [])
            .DistinctBy(p => (p.Purl.ToString(), p.DeclaredIn))
            .OrderBy(p => p.Purl.ToString(), StringComparer.Ordinal)
            .ThenBy(p => p.DeclaredIn, StringComparer.Ordinal)
            .ToList();
        var refs = BomRefs(all);

        using var w = new Utf8JsonWriter(output, Options);
        w.WriteStartObject();
        w.WriteString("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
        w.WriteString("bomFormat", "CycloneDX");
        w.WriteString("specVersion", SpecVersion);
        w.WriteString("serialNumber", SerialNumber(sha256));
        w.WriteNumber("version", 1);

        w.WriteStartObject("metadata");
        w.WriteString("timestamp", timestamp.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        w.WriteStartObject("tools");
        w.WriteStartArray("components");
        w.WriteStartObject();
        w.WriteString("type", "application");
        w.WriteString("name", "Gatehouse");
        w.WriteString("version", ScanPipeline.ToolVersion);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("component");
        w.WriteString("type", subject.Type switch
        {
            SbomSubjectType.Container => "container",
            SbomSubjectType.File => "file",
            _ => "application",
        });
        w.WriteString("bom-ref", SubjectRef(sha256));
        w.WriteString("name", string.IsNullOrEmpty(subject.Name) ? "artifact" : subject.Name);
        if (!string.IsNullOrEmpty(subject.Version)) w.WriteString("version", subject.Version);
        w.WriteStartArray("hashes");
        w.WriteStartObject();
        w.WriteString("alg", "SHA-256");
        w.WriteString("content", sha256);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartArray("components");
        foreach (var p in all) WriteComponent(w, p, refs[(p.Purl.ToString(), p.DeclaredIn)]);
        w.WriteEndArray();

        // The artifact depends on everything found (no tree: lockfiles know it, but not every cataloger does).
        w.WriteStartArray("dependencies");
        w.WriteStartObject();
        w.WriteString("ref", SubjectRef(sha256));
        w.WriteStartArray("dependsOn");
        foreach (var r in refs.Values.Order(StringComparer.Ordinal)) w.WriteStringValue(r);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();

        if (vulnerabilities is not null)
        {
            w.WriteStartArray("vulnerabilities");
            foreach (var group in vulnerabilities.GroupBy(v => v.AdvisoryId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
                WriteVulnerability(w, group.Key, group.ToList(), refs);
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.Flush();
    }

    /// <summary>The same document as <see cref="Write"/>, as bytes.</summary>
    public static byte[] ToBytes(SbomSubject subject, IReadOnlyList<CatalogedPackage> packages,
        IReadOnlyList<AdvisoryMatch>? vulnerabilities, DateTimeOffset timestamp)
    {
        using var buffer = new MemoryStream();
        Write(buffer, subject, packages, vulnerabilities, timestamp);
        return buffer.ToArray();
    }

    /// <summary>
    /// The document's <c>serialNumber</c>: <c>urn:uuid:</c> and a UUID (version 8, RFC 9562 §5.8) made from the SHA-256
    /// of "gatehouse-sbom:" + the artifact's SHA-256, so the same artifact always gets the same serial number (a
    /// re-match with newer advisories keeps it; CycloneDX's <c>version</c> stays 1 because each document is complete).
    /// </summary>
    public static string SerialNumber(string artifactSha256)
    {
        ArgumentNullException.ThrowIfNull(artifactSha256);
        var h = SHA256.HashData(Encoding.UTF8.GetBytes("gatehouse-sbom:" + artifactSha256.ToLowerInvariant()));
        h[6] = (byte)((h[6] & 0x0F) | 0x80); // version 8
        h[8] = (byte)((h[8] & 0x3F) | 0x80); // variant 10
        var hex = Convert.ToHexStringLower(h.AsSpan(0, 16));
        return $"urn:uuid:{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
    }

    private static string SubjectRef(string sha256) => "artifact:sha256:" + sha256;

    /// <summary>
    /// bom-ref per (purl, declaring file): the purl itself when one file declares it, else the purl, <c>|</c> and the
    /// file's path, so each stays unique and the same whatever else the artifact holds.
    /// </summary>
    private static Dictionary<(string Purl, string DeclaredIn), string> BomRefs(IReadOnlyList<CatalogedPackage> all)
    {
        var refs = new Dictionary<(string, string), string>();
        foreach (var group in all.GroupBy(p => p.Purl.ToString(), StringComparer.Ordinal))
        {
            var list = group.ToList();
            foreach (var p in list) refs[(group.Key, p.DeclaredIn)] = list.Count == 1 ? group.Key : group.Key + "|" + p.DeclaredIn;
        }
        return refs;
    }

    private static void WriteComponent(Utf8JsonWriter w, CatalogedPackage p, string bomRef)
    {
        w.WriteStartObject();
        w.WriteString("type", "library");
        w.WriteString("bom-ref", bomRef);
        // Maven and npm name a group (groupId, scope) that CycloneDX keeps apart from the name; elsewhere the
        // ecosystem's own name (a Go module path, a Composer vendor/name) is the name.
        if (p.Purl.Type is "maven" or "npm" && p.Purl.Namespace is { } group)
        {
            w.WriteString("group", group);
            w.WriteString("name", p.Purl.Name);
        }
        else
        {
            w.WriteString("name", string.IsNullOrEmpty(p.Name) ? p.Purl.Name : p.Name);
        }
        if (!string.IsNullOrEmpty(p.Version)) w.WriteString("version", p.Version);
        w.WriteString("purl", p.Purl.ToString());
        w.WriteStartArray("properties");
        WriteProperty(w, DeclaredInProperty, p.DeclaredIn);
        if (!string.Equals(p.Ecosystem, PurlEcosystems.Ecosystem(p.Purl), StringComparison.Ordinal)) WriteProperty(w, EcosystemProperty, p.Ecosystem);
        if (p.SourceName is { Length: > 0 } source) WriteProperty(w, SourceNameProperty, source);
        if (p.SourceVersion is { Length: > 0 } sourceVersion) WriteProperty(w, SourceVersionProperty, sourceVersion);
        if (p.Layer is { Length: > 0 } layer) WriteProperty(w, LayerProperty, layer);
        w.WriteEndArray();
        if (!string.IsNullOrEmpty(p.DeclaredIn))
        {
            w.WriteStartObject("evidence");
            w.WriteStartArray("occurrences");
            w.WriteStartObject();
            w.WriteString("location", p.DeclaredIn);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void WriteProperty(Utf8JsonWriter w, string name, string value)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("value", value);
        w.WriteEndObject();
    }

    private static void WriteVulnerability(Utf8JsonWriter w, string id, List<AdvisoryMatch> matches,
        Dictionary<(string Purl, string DeclaredIn), string> refs)
    {
        var first = matches[0];
        w.WriteStartObject();
        w.WriteString("id", id);
        WriteSource(w, id);
        var aliases = matches.SelectMany(m => m.Aliases).Where(a => !string.IsNullOrWhiteSpace(a) && a != id).Distinct(StringComparer.Ordinal).ToList();
        if (aliases.Count > 0)
        {
            w.WriteStartArray("references");
            foreach (var alias in aliases)
            {
                w.WriteStartObject();
                w.WriteString("id", alias);
                WriteSource(w, alias);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteStartArray("ratings");
        w.WriteStartObject();
        w.WriteStartObject("source");
        w.WriteString("name", "OSV");
        w.WriteEndObject();
        if (first.Cvss is { } cvss)
        {
            w.WriteNumber("score", cvss.BaseScore);
            w.WriteString("severity", SeverityText(first.Severity));
            w.WriteString("method", CvssMethod(cvss));
            w.WriteString("vector", cvss.Vector);
        }
        else
        {
            w.WriteString("severity", SeverityText(first.Severity));
        }
        w.WriteEndObject();
        w.WriteEndArray();
        if (!string.IsNullOrWhiteSpace(first.Summary)) w.WriteString("description", first.Summary);
        w.WriteString("recommendation", Recommendation(matches));
        w.WriteString("updated", matches.Max(m => m.Modified).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        w.WriteStartArray("affects");
        foreach (var m in matches.OrderBy(m => refs[(m.Package.Purl.ToString(), m.Package.DeclaredIn)], StringComparer.Ordinal)
                     .DistinctBy(m => refs[(m.Package.Purl.ToString(), m.Package.DeclaredIn)]))
        {
            w.WriteStartObject();
            w.WriteString("ref", refs[(m.Package.Purl.ToString(), m.Package.DeclaredIn)]);
            if (!string.IsNullOrEmpty(m.Package.Version))
            {
                w.WriteStartArray("versions");
                w.WriteStartObject();
                w.WriteString("version", m.Package.Version);
                w.WriteString("status", "affected");
                w.WriteEndObject();
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (matches.Any(m => m.Uncertain))
        {
            w.WriteStartArray("properties");
            WriteProperty(w, UncertainProperty, "true");
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary>Where an ID is published: NVD for CVEs, GitHub for GHSAs, OSV for the rest (osv.dev serves them all).</summary>
    private static void WriteSource(Utf8JsonWriter w, string id)
    {
        var escaped = Uri.EscapeDataString(id);
        var (name, url) = id.StartsWith("CVE-", StringComparison.OrdinalIgnoreCase) ? ("NVD", "https://nvd.nist.gov/vuln/detail/" + escaped)
            : id.StartsWith("GHSA-", StringComparison.OrdinalIgnoreCase) ? ("GitHub", "https://github.com/advisories/" + escaped)
            : ("OSV", "https://osv.dev/vulnerability/" + escaped);
        w.WriteStartObject("source");
        w.WriteString("name", name);
        w.WriteString("url", url);
        w.WriteEndObject();
    }

    private static string Recommendation(List<AdvisoryMatch> matches)
    {
        var parts = matches
            .GroupBy(m => PurlEcosystems.Name(m.Package.Purl) + (m.Package.Version is { Length: > 0 } v ? "@" + v : ""), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var fixes = g.SelectMany(m => m.FixedVersions).Distinct(StringComparer.Ordinal).ToList();
                return fixes.Count == 0 ? $"{g.Key}: no fixed version is known" : $"{g.Key}: upgrade to {string.Join(" or ", fixes)}";
            });
        return string.Join("; ", parts);
    }

    private static string SeverityText(Severity severity) => severity switch
    {
        Severity.Critical => "critical",
        Severity.High => "high",
        Severity.Medium => "medium",
        Severity.Low => "low",
        _ => "info",
    };

    private static string CvssMethod(CvssScore cvss)
    {
        var version = cvss.Version;
        if (string.IsNullOrEmpty(version) && cvss.Vector.StartsWith("CVSS:", StringComparison.Ordinal))
            version = cvss.Vector[5..].Split('/')[0];
        return version switch
        {
            "4.0" or "4" => "CVSSv4",
            "3.1" => "CVSSv31",
            "3.0" or "3" => "CVSSv3",
            "2.0" or "2" => "CVSSv2",
            _ => "other",
        };
    }
}
