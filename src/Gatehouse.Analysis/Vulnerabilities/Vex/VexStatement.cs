namespace Gatehouse.Analysis.Vulnerabilities.Vex;

/// <summary>
/// One VEX statement: a vendor's word on whether one vulnerability affects its products.
/// </summary>
/// <param name="VulnerabilityId">The vulnerability's ID as written (<c>CVE-2021-44228</c>, <c>GHSA-...</c>).</param>
/// <param name="Aliases">Other IDs the statement gives for it (OpenVEX <c>vulnerability.aliases</c>, CycloneDX
/// <c>references[].id</c>), without the main ID, in document order.</param>
/// <param name="Products">The products (and subcomponents) the statement is about, as purls when they are purls, else
/// the identifier as written (a CycloneDX bom-ref resolved to its component's purl when the document has it). Sorted, distinct.</param>
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
    /// <summary>Whether the statement names <paramref name="id"/> as its vulnerability or an alias (case-insensitive).</summary>
    public bool Names(string id) =>
        string.Equals(VulnerabilityId, id, StringComparison.OrdinalIgnoreCase)
        || Aliases.Any(a => string.Equals(a, id, StringComparison.OrdinalIgnoreCase));
}
