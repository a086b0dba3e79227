namespace Gatehouse.Analysis.Vulnerabilities.Vex;

/// <summary>
/// One VEX statement: a vendor's word on whether one vulnerability affects its products.
/// </summary>
/// <param name="VulnerabilityId">The vulnerability's ID as written (<c>CVE-2021-44228</c>, <c>GHSA-...</c>).</param>
/// <param name="Aliases">Other IDs the statement gives for it (OpenVEX <c>vulnerability.aliases</c>, CycloneDX
/// <c>references[].id</c>), without the main ID, in document order.</param>
/// <param name="Products">The products the statement is about (OpenVEX <c>products[]</c>, CycloneDX <c>affects[].ref</c>), as
/// purls when they are purls, else the identifier as written (a CycloneDX bom-ref resolved to its component's purl when
/// the document has it). Sorted, distinct; empty when the statement names none.</param>
/// <param name="Status">The status.</param>
/// <param name="Justification">Why not affected; null when none was given (or the status is not <see cref="VexStatus.NotAffected"/>).</param>
/// <param name="ImpactStatement">The vendor's free text on why not affected (OpenVEX <c>impact_statement</c>, CycloneDX <c>analysis.detail</c>); null when none.</param>
/// <param name="ActionStatement">What users should do (OpenVEX <c>action_statement</c>, CycloneDX <c>analysis.response</c> joined); null when none.</param>
public sealed record VexStatement(
    string VulnerabilityId,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<string> Products,
    VexStatus Status,
    VexJustification? Justification,
    string? ImpactStatement,
    string? ActionStatement)
{
    /// <summary>OpenVEX <c>products[].subcomponents[]</c>: the packages inside the products the statement is about (how a
    /// vendor names a library inside its app). Same form as <see cref="Products"/>; empty when none.</summary>
    public IReadOnlyList<string> Subcomponents { get; init; } = [];

    /// <summary>
    /// Whether the statement is about <paramref name="package"/>: a product or subcomponent purl equal to it without
    /// qualifiers and subpath (a purl without a version covers every version).
    /// </summary>
    public bool Covers(Packages.PackageUrl package)
    {
        ArgumentNullException.ThrowIfNull(package);
        foreach (var text in Products.Concat(Subcomponents))
        {
            if (!text.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase) || !Packages.PackageUrl.TryParse(text, out var purl, out _)) continue;
            if (purl.Type == package.Type && purl.Namespace == package.Namespace && purl.Name == package.Name
                && (purl.Version is null || purl.Version == package.Version)) return true;
        }
        return false;
    }

    /// <summary>Whether the statement names <paramref name="id"/> as its vulnerability or an alias (case-insensitive).</summary>
    public bool Names(string id) =>
        string.Equals(VulnerabilityId, id, StringComparison.OrdinalIgnoreCase)
        || Aliases.Any(a => string.Equals(a, id, StringComparison.OrdinalIgnoreCase));
}
