namespace Gatehouse.Analysis.Vulnerabilities.Vex;

/// <summary>
/// A VEX statement's status, OpenVEX's four. CycloneDX's <c>analysis.state</c> maps onto them: <c>not_affected</c> and
/// <c>false_positive</c> → <see cref="NotAffected"/>, <c>exploitable</c> → <see cref="Affected"/>, <c>resolved</c> and
/// <c>resolved_with_pedigree</c> → <see cref="Fixed"/>, <c>in_triage</c> → <see cref="UnderInvestigation"/>.
/// </summary>
public enum VexStatus
{
    /// <summary><c>not_affected</c>: the product is not affected (needs a justification or an impact statement).</summary>
    NotAffected,

    /// <summary><c>affected</c>: the product is affected.</summary>
    Affected,

    /// <summary><c>fixed</c>: the product contains a fix.</summary>
    Fixed,

    /// <summary><c>under_investigation</c>: not known yet.</summary>
    UnderInvestigation,
}
