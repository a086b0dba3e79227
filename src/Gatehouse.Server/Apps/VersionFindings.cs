using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Server.Data;
using Gatehouse.Server.Scanning;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Apps;

/// <summary>A stored finding and, when an approved, unexpired suppression covers it, that suppression.</summary>
public sealed record JudgedFinding(ScanFinding Finding, Suppression? SuppressedBy);

/// <summary>A scan's findings after suppressions, and the verdict they give under the version's policy.</summary>
/// <param name="Verdict">The verdict after suppressions; null while the scan has not finished.</param>
/// <param name="Blocking">Rule IDs of unsuppressed findings at or above the policy's reject severity.</param>
public sealed record EffectiveFindings(Verdict? Verdict, IReadOnlyList<JudgedFinding> Findings, IReadOnlyList<string> Blocking, int RiskScore)
{
    /// <summary>The verdict as the API and the console spell it (<see cref="VerdictNames.Pending"/> while there is none).</summary>
    public string VerdictName => VerdictNames.OrPending(Verdict);
}

/// <summary>
/// Applies an app's suppressions to a scan's findings. A suppression matches by fingerprint (which is
/// stable across rescans of the same content), is approved, and has not expired. The verdict is the engine's
/// (<see cref="VerdictRules.AfterSuppressions"/>) under the same policy that judged the scan
/// (<see cref="ScanPolicies"/>): an incomplete scan stays incomplete whatever is suppressed.
/// </summary>
public sealed class VersionFindings(GatehouseDb db, ScanPolicies policies, TimeProvider time)
{
    public async Task<EffectiveFindings> EffectiveAsync(App app, AppVersion version, Scan scan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(scan);
        var now = time.GetUtcNow();
        var rows = await db.ScanFindings.AsNoTracking().Where(f => f.ScanId == scan.Id).OrderBy(f => f.Id).ToListAsync(ct);
        var suppressions = await db.Suppressions.AsNoTracking()
            .Where(s => s.AppId == app.Id && s.State == SuppressionStates.Approved && s.ExpiresAt > now)
            .ToListAsync(ct);
        var policy = await policies.ForAsync(version.PolicyVersion, ct);
        return Judge(scan.Verdict, rows, suppressions, policy);
    }

    /// <summary>The judgement itself, without the database: <paramref name="rows"/> after <paramref name="suppressions"/> (approved and unexpired).</summary>
    public static EffectiveFindings Judge(Verdict? scanned, IReadOnlyList<ScanFinding> rows, IReadOnlyList<Suppression> suppressions, Policy policy)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(suppressions);
        ArgumentNullException.ThrowIfNull(policy);
        var byFingerprint = suppressions.GroupBy(s => s.Fingerprint).ToDictionary(g => g.Key, g => g.OrderByDescending(s => s.ExpiresAt).First());
        var judged = rows.Select(f => new JudgedFinding(f, byFingerprint.GetValueOrDefault(f.Fingerprint))).ToList();
        var findings = rows.Select(f => f.ToFinding()).ToList();
        var suppressed = judged.Where(j => j.SuppressedBy is not null).Select(j => j.Finding.Fingerprint).ToHashSet(StringComparer.Ordinal);
        Verdict? verdict = scanned is { } v ? VerdictRules.AfterSuppressions(v, findings, policy, suppressed) : null;

        var open = findings.Where(f => !suppressed.Contains(f.Fingerprint)).ToList();
        var blocking = open.Where(f => f.Severity >= policy.RejectAt).Select(f => f.RuleId).Distinct().ToList();
        var risk = Math.Min(100, open.Sum(f => f.Severity switch
        {
            Severity.Critical => 40,
            Severity.High => 20,
            Severity.Medium => 5,
            Severity.Low => 1,
            _ => 0,
        }));
        return new EffectiveFindings(verdict, judged, blocking, risk);
    }
}

/// <summary>States of a suppression.</summary>
internal static class SuppressionStates
{
    public const string Requested = "requested";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Revoked = "revoked";
}
