using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Vulnerabilities.Sbom;

/// <summary>
/// Turns the packages a vendor's SBOM leaves out (<see cref="SbomComparisonResult.MissingFromDeclared"/>) into
/// <c>sbom.undeclared-package</c> findings: one per package Gatehouse found that the vendor did not declare (or declared
/// with another version), at the file that declared it, so a reviewer sees where the SBOM and the artifact disagree.
/// </summary>
public static class UndeclaredPackages
{
    /// <summary>Analyzer ID recorded on these findings (the comparison runs after the engine, on the server).</summary>
    public const string AnalyzerId = "sbom-compare";

    /// <summary>Bumped whenever the comparison changes what it reports.</summary>
    public const string Version = "1.0.0";

    /// <summary>The rule: low by default (an incomplete SBOM is a paperwork problem, not a vulnerability).</summary>
    public static readonly RuleDescriptor Rule = new("sbom.undeclared-package", "Package missing from the vendor's SBOM", Severity.Low, "GH-DEP-2",
        "The artifact contains a package (found in a lockfile, manifest or package database) that the SBOM the vendor submitted does not list, or lists with another version. Generate the SBOM from the same build as the artifact.");

    /// <summary>Every rule of the comparison.</summary>
    public static IReadOnlyList<RuleDescriptor> AllRules { get; } = [Rule];

    /// <summary>
    /// One finding per package missing from the vendor's SBOM. <paramref name="policy"/>'s severity override for the rule
    /// applies (as for every engine rule). Fingerprint: rule, declaring path and purl, so a suppression follows the package.
    /// </summary>
    public static IReadOnlyList<Finding> From(SbomComparisonResult comparison, Policy policy)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        ArgumentNullException.ThrowIfNull(policy);
        var severity = policy.SeverityOverrides.TryGetValue(Rule.Id, out var s) ? s : Rule.DefaultSeverity;
        return comparison.MissingFromDeclared.Select(m =>
        {
            var purl = m.Package.Purl.ToString();
            var message = m.VersionMismatch
                ? $"{purl} is in the artifact, but the vendor's SBOM lists {m.Package.Name} only as {string.Join(", ", m.OtherVersions)}"
                : $"{purl} is in the artifact, but the vendor's SBOM does not list it";
            return new Finding(Rule.Id, severity, m.Package.DeclaredIn, message, Fingerprints.Of(Rule.Id, m.Package.DeclaredIn, purl))
            {
                RequirementId = Rule.RequirementId, AnalyzerId = AnalyzerId, Evidence = purl,
            };
        }).ToList();
    }
}
