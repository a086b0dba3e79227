using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Probes;

/// <summary>How one check went: <c>pass</c>, <c>fail</c> (findings), <c>skipped</c> or <c>not-testable</c>.</summary>
public sealed record ProbeCheck(string Name, string Status, string? Detail = null);

/// <summary>
/// The probe's answer for one target. <see cref="Verdict"/> follows the engine's rules (critical/high reject,
/// medium review); an unreachable or SSRF-blocked target, or a check that could not run, is <see cref="Verdict.Incomplete"/>.
/// </summary>
public sealed record ProbeReport(
    string Target,
    string ProbeVersion,
    Verdict Verdict,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<ProbeCheck> Checks,
    long DurationMs);
