using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Vulnerabilities.Matching;

/// <summary>One advisory that affects one package a scan found.</summary>
/// <param name="Package">The package, with the path of the file that declared it.</param>
/// <param name="AdvisoryId">The OSV ID, e.g. <c>GHSA-jfh8-c2jp-5v3q</c>.</param>
/// <param name="Aliases">Other IDs of the same vulnerability (CVE first when there is one).</param>
/// <param name="Summary">The advisory's one-line summary, when it has one.</param>
/// <param name="Severity">Gatehouse's severity: from the CVSS base score when there is one, else from the advisory's own rating, else medium.</param>
/// <param name="Cvss">The CVSS vector used for <paramref name="Severity"/> and its base score; null without one.</param>
/// <param name="FixedVersions">Versions that fix it for this package, in the ecosystem's order (empty: no fix known).</param>
/// <param name="Modified">The advisory's <c>modified</c> time.</param>
public sealed record AdvisoryMatch(
    CatalogedPackage Package,
    string AdvisoryId,
    IReadOnlyList<string> Aliases,
    string? Summary,
    Severity Severity,
    CvssScore? Cvss,
    IReadOnlyList<string> FixedVersions,
    DateTimeOffset Modified)
{
    /// <summary>The store could not decide (unreadable version or range): reported for a person to judge, never dropped.</summary>
    public bool Uncertain { get; init; }
}

/// <summary>A CVSS vector (<c>CVSS:3.1/...</c> or <c>CVSS:4.0/...</c>) and the base score computed from it.</summary>
public sealed record CvssScore(string Vector, string Version, double BaseScore);
