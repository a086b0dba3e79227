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

    /// <summary>
    /// Writes the SBOM as UTF-8 JSON to <paramref name="output"/> (left open).
    /// </summary>
    /// <param name="output">Where to write; not closed.</param>
    /// <param name="subject">The artifact described.</param>
    /// <param name="packages">The packages found (any order; duplicates of one purl in one file are written once).</param>
    /// <param name="vulnerabilities">Advisory matches for those packages, or null to write no <c>vulnerabilities</c> section.</param>
    /// <param name="timestamp">The <c>metadata.timestamp</c> (when the scan ran).</param>
    public static void Write(Stream output, SbomSubject subject, IReadOnlyList<CatalogedPackage> packages,
        IReadOnlyList<AdvisoryMatch>? vulnerabilities, DateTimeOffset timestamp) =>
        throw new NotImplementedException();

    /// <summary>The same document as <see cref="Write"/>, as bytes.</summary>
    public static byte[] ToBytes(SbomSubject subject, IReadOnlyList<CatalogedPackage> packages,
        IReadOnlyList<AdvisoryMatch>? vulnerabilities, DateTimeOffset timestamp)
    {
        using var buffer = new MemoryStream();
        Write(buffer, subject, packages, vulnerabilities, timestamp);
        return buffer.ToArray();
    }

    /// <summary>
    /// The document's <c>serialNumber</c>: <c>urn:uuid:</c> and a UUID (version 8, RFC 9562) made from the SHA-256 of
    /// "gatehouse-sbom:" + the artifact's SHA-256, so the same artifact always gets the same serial number.
    /// </summary>
    public static string SerialNumber(string artifactSha256) => throw new NotImplementedException();
}
