namespace Gatehouse.Analysis.Vulnerabilities.Sbom;

/// <summary>
/// Reads the packages a CycloneDX JSON SBOM (spec 1.2 to 1.6) declares, from untrusted input (a vendor's own SBOM):
/// every component (nested ones too) with a purl becomes a <see cref="Packages.CatalogedPackage"/> whose ecosystem comes
/// from the purl type (<see cref="PurlEcosystems"/>). Bounded: <see cref="DefaultMaxBytes"/>, <see cref="DefaultMaxComponents"/>,
/// nesting depth <see cref="MaxDepth"/>; duplicate keys refused. SPDX and CycloneDX XML are recognised and refused with
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

    /// <summary>
    /// Reads the SBOM from <paramref name="input"/> (read to its end or to the byte limit, not closed).
    /// </summary>
    /// <param name="input">The document.</param>
    /// <param name="source">Names the SBOM in <see cref="Packages.CatalogedPackage.DeclaredIn"/> for components that
    /// name no file of their own (a <c>gatehouse:declared-in</c> property or an evidence occurrence does).</param>
    /// <param name="maxBytes">Byte limit.</param>
    /// <param name="maxComponents">Component limit.</param>
    public static SbomReadResult Read(Stream input, string source = "sbom", long maxBytes = DefaultMaxBytes, int maxComponents = DefaultMaxComponents) =>
        throw new NotImplementedException();

    /// <summary>Reads the SBOM from bytes (see <see cref="Read(Stream, string, long, int)"/>).</summary>
    public static SbomReadResult Read(ReadOnlySpan<byte> utf8, string source = "sbom", long maxBytes = DefaultMaxBytes, int maxComponents = DefaultMaxComponents) =>
        throw new NotImplementedException();
}
