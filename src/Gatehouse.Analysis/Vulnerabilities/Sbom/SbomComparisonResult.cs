namespace Gatehouse.Analysis.Vulnerabilities.Sbom;

/// <summary>What <see cref="SbomComparison.Compare"/> found.</summary>
/// <param name="MissingFromDeclared">Packages Gatehouse found that the vendor's SBOM leaves out (or lists with another
/// version): what the reviewer is told about. One entry per purl (the first declaring file), sorted by purl.</param>
/// <param name="NotFound">Packages the vendor's SBOM declares that Gatehouse did not find: for information (Gatehouse
/// does not catalog every ecosystem, and an SBOM may describe build-time dependencies). Sorted by purl.</param>
/// <param name="Matched">Packages found on both sides (distinct purls without qualifiers and subpath).</param>
public sealed record SbomComparisonResult(
    IReadOnlyList<SbomMissingPackage> MissingFromDeclared,
    IReadOnlyList<SbomMissingPackage> NotFound,
    int Matched);
