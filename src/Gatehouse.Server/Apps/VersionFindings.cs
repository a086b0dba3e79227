using Gatehouse.Analysis.Pipeline;
using Gatehouse.Server.Data;
using Gatehouse.Server.Listing;
using Gatehouse.Server.Scanning;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Apps;

/// <summary>A stored finding and, when an approved, unexpired suppression covers it, that suppression.</summary>
public sealed record JudgedFinding(ScanFinding Finding, Suppression? SuppressedBy);

/// <summary>A scan's findings after suppressions, and the verdict they give under the version's policy.</summary>
/// <param name="Blocking">Rule IDs of unsuppressed findings at or above the policy's reject severity.</param>
public sealed record EffectiveFindings(string Verdict, IReadOnlyList<JudgedFinding> Findings, IReadOnlyList<string> Blocking, int RiskScore);

/// <summary>
/// Applies an app's suppressions to a scan's findings. A suppression matches by fingerprint (which is
/// stable across rescans of the same content), is approved, and has not expired. An incomplete scan
/// stays incomplete whatever is suppressed.
/// </summary>
public sealed class VersionFindings(GatehouseDb db, ListingPolicies listing, TimeProvider time)
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
        var byFingerprint = suppressions.GroupBy(s => s.Fingerprint).ToDictionary(g => g.Key, g => g.OrderByDescending(s => s.ExpiresAt).First());
        var judged = rows.Select(f => new JudgedFinding(f, byFingerprint.GetValueOrDefault(f.Fingerprint))).ToList();

        var policy = version.PolicyVersion is { } pv && await listing.GetAsync(pv, ct) is { Policy.Analysis: { } analysis } ? analysis : Policy.Default;
        var open = judged.Where(j => j.SuppressedBy is null).Select(j => (j.Finding, Severity: ParseSeverity(j.Finding.Severity))).ToList();
        var blocking = open.Where(o => o.Severity >= policy.RejectAt).Select(o => o.Finding.RuleId).Distinct().ToList();
        var verdict = scan.Verdict switch
        {
            null => "pending",
            "incomplete" => "incomplete",
            _ when blocking.Count > 0 => "reject",
            _ when open.Any(o => o.Severity >= policy.ReviewAt) => "review",
            _ => "pass",
        };
        var risk = Math.Min(100, open.Sum(o => o.Severity switch
        {
            Severity.Critical => 40,
            Severity.High => 20,
            Severity.Medium => 5,
            Severity.Low => 1,
            _ => 0,
        }));
        return new EffectiveFindings(verdict, judged, blocking, risk);
    }

    private static Severity ParseSeverity(string s) => Enum.TryParse<Severity>(s, ignoreCase: true, out var v) ? v : Severity.Critical;
}

/// <summary>States of a suppression.</summary>
public static class SuppressionStates
{
    public const string Requested = "requested";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Revoked = "revoked";
}
