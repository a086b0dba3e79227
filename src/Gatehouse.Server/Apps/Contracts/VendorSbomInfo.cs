namespace Gatehouse.Server.Apps;

/// <summary>The SBOM a vendor submitted with a draft, as stored: what the comparison after the submission scan will use.</summary>
/// <param name="Digest">The blob's digest (<c>sha256:…</c>).</param>
/// <param name="Size">Bytes.</param>
/// <param name="SpecVersion">The document's CycloneDX <c>specVersion</c>.</param>
/// <param name="Packages">Components with a purl (what is compared).</param>
/// <param name="ComponentsWithoutPurl">Components without one: not comparable, counted so the vendor knows.</param>
/// <param name="Warnings">What the reader skipped and why.</param>
public sealed record VendorSbomInfo(string App, string Version, string Digest, long Size, string? SpecVersion, int Packages,
    int ComponentsWithoutPurl, IReadOnlyList<string> Warnings);
