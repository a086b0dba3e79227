using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Notifications;
using Microsoft.EntityFrameworkCore;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Gatehouse.Analysis.Vulnerabilities.Vex;
using Gatehouse.Server.Data.Blobs;

namespace Gatehouse.Server.Apps;

/// <summary>
/// Suppressions' rules: a vendor asks that one finding (by fingerprint) of its own app stop counting, with a
/// justification; a reviewer who is not a member approves it with an expiry (at most a year), or rejects or later
/// revokes it with a note. The API and the console both call it. A vendor may also answer a version's vulnerability
/// findings with a VEX document (<see cref="SubmitVexAsync"/>): each <c>not_affected</c> statement that names a finding's
/// advisory and package becomes a request, with the statement's justification and impact statement as its reason.
/// </summary>
public sealed partial class SuppressionWorkflow(AppAccess apps, GatehouseDb db, AuditLog audit, Notifier notifier, TimeProvider time)
{
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(365);

    /// <summary>Largest VEX document accepted (4 MiB: thousands of statements).</summary>
    public const long MaxVexBytes = 4L * 1024 * 1024;

    /// <summary>Most statements read from one VEX document.</summary>
    public const int MaxVexStatements = 5_000;

    public async Task<Outcome<SuppressionInfo>> RequestAsync(HttpContext http, string app, RequestSuppressionRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        if (await apps.FindAsync(http.User, app, ct) is not { } row) return Refusal.NotFound("App");
        if (!await apps.IsMemberAsync(http.User, row.OrganizationId, ct)) return Refusal.Forbidden("only members of the vendor organisation request suppressions");
        var justification = request.Justification?.Trim();
        if (string.IsNullOrEmpty(justification) || justification.Length is < 20 or > 4000)
            return Refusal.Invalid("justification is required: why the finding is not a risk here (20-4000 characters)");
        // Only findings of this app's own scans can be suppressed.
        var versionIds = db.AppVersions.Where(v => v.AppId == row.Id).Select(v => (Guid?)v.Id);
        var finding = await db.ScanFindings.AsNoTracking()
            .Where(f => f.Fingerprint == request.Fingerprint && db.Scans.Any(s => s.Id == f.ScanId && versionIds.Contains(s.SubjectId)))
            .OrderByDescending(f => f.Id).FirstOrDefaultAsync(ct);
        if (finding is null) return Refusal.Invalid("fingerprint does not name a finding of this app");
        var now = time.GetUtcNow();
        if (await db.Suppressions.AnyAsync(s => s.AppId == row.Id && s.Fingerprint == finding.Fingerprint
                && (s.State == SuppressionStates.Requested || (s.State == SuppressionStates.Approved && s.ExpiresAt > now)), ct))
            return Refusal.Conflict("this finding already has an open or active suppression");
        var s = new Suppression
        {
            Id = Guid.CreateVersion7(now), AppId = row.Id, OrganizationId = row.OrganizationId, Fingerprint = finding.Fingerprint,
            RuleId = finding.RuleId, Path = finding.Path, Justification = justification, State = SuppressionStates.Requested,
            RequestedBy = http.User.Id(), RequestedAt = now,
        };
        db.Suppressions.Add(s);
        audit.Record(db, AuditEvent.By(http, AuditActions.SuppressionRequested, row.OrganizationId.ToString(), s.Id.ToString(),
            new { app = row.Slug, s.Fingerprint, s.RuleId }));
        await notifier.QueueForStaffAsync("suppression.requested", new { app = row.Slug, suppressionId = s.Id, s.RuleId, s.Path }, ct);
        await db.SaveChangesAsync(ct);
        return SuppressionInfo.From(s, now);
    }

    public async Task<Outcome<List<SuppressionInfo>>> ListAsync(ClaimsPrincipal user, string app, CancellationToken ct)
    {
        if (await apps.FindAsync(user, app, ct) is not { } row) return Refusal.NotFound("App");
        var now = time.GetUtcNow();
        var rows = await db.Suppressions.AsNoTracking().Where(s => s.AppId == row.Id).OrderByDescending(s => s.RequestedAt).ToListAsync(ct);
        return rows.Select(s => SuppressionInfo.From(s, now)).ToList();
    }

    /// <summary>A reviewer's decision: <see cref="SuppressionStates.Approved"/> (with an expiry), <see cref="SuppressionStates.Rejected"/>
    /// or <see cref="SuppressionStates.Revoked"/> (with a note).</summary>
    public async Task<Outcome<SuppressionInfo>> DecideAsync(HttpContext http, Guid suppressionId, DecideSuppressionRequest request, string to, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var s = await db.Suppressions.FirstOrDefaultAsync(x => x.Id == suppressionId, ct);
        if (s is null) return Refusal.NotFound("Suppression");
        var decision = to == SuppressionStates.Approved ? ConflictOfInterest.Decisions.ApproveSuppression
            : to == SuppressionStates.Revoked ? ConflictOfInterest.Decisions.RevokeSuppression : ConflictOfInterest.Decisions.RejectSuppression;
        if (ConflictOfInterest.Blocks(decision) && await apps.IsMemberAsync(http.User, s.OrganizationId, ct)) return VersionRefusals.ConflictOfInterest();
        var now = time.GetUtcNow();
        var allowed = to == SuppressionStates.Revoked ? s.State == SuppressionStates.Approved : s.State == SuppressionStates.Requested;
        if (!allowed) return new Refusal(409, ProblemCodes.LifecycleInvalidTransition, "Not allowed in this state", $"cannot make a {s.State} suppression {to}");
        if (request.Note is { Length: > 2000 }) return Refusal.Invalid("note must be at most 2000 characters");
        if (to == SuppressionStates.Approved)
        {
            if (request.ExpiresAt is not { } expires || expires <= now || expires > now + MaxLifetime)
                return Refusal.Invalid("expiresAt is required: a time in the future, at most 365 days ahead");
            s.ExpiresAt = expires;
        }
        else if (string.IsNullOrWhiteSpace(request.Note)) return Refusal.Invalid("note is required: say why");
        if (to == SuppressionStates.Revoked) s.ExpiresAt = now;
        s.State = to;
        s.DecidedBy = http.User.Id();
        s.DecidedAt = now;
        s.DecisionNote = request.Note;
        var action = to switch
        {
            SuppressionStates.Approved => AuditActions.SuppressionApproved,
            SuppressionStates.Rejected => AuditActions.SuppressionRejected,
            _ => AuditActions.SuppressionRevoked,
        };
        audit.Record(db, AuditEvent.By(http, action, s.OrganizationId.ToString(), s.Id.ToString(), new { s.Fingerprint, s.ExpiresAt, note = s.DecisionNote }));
        await notifier.QueueForOrganizationAsync(s.OrganizationId, $"suppression.{to}", new { suppressionId = s.Id, s.RuleId, s.Path, s.ExpiresAt, note = s.DecisionNote }, ct);
        await db.SaveChangesAsync(ct);
        return SuppressionInfo.From(s, now);
    }

    /// <summary>
    /// A VEX document (OpenVEX, or CycloneDX with <c>vulnerabilities[].analysis</c>) that answers the <c>vuln.*</c> findings
    /// of one version: checked from the route first (the app and version exist for the caller, who is a member of the vendor
    /// organisation), then the body is read, at most <see cref="MaxVexBytes"/>. Every <c>not_affected</c> statement that names
    /// a finding's advisory (ID or alias) and package (purl) becomes a suppression request, unless that finding already has
    /// an open or active one; the requests, their audit entries and the reviewers' notifications are saved together. The
    /// other statements are reported back with the reason and not stored.
    /// </summary>
    public async Task<Outcome<VexSubmissionInfo>> SubmitVexAsync(HttpContext http, string app, string version, Stream body, long? length,
        Func<string, IReadOnlyCollection<string>>? aliases, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(body);
        var (row, v) = await apps.FindVersionAsync(http.User, app, version, ct);
        if (row is null) return Refusal.NotFound("App");
        if (v is null) return Refusal.NotFound("Version");
        if (!await apps.IsMemberAsync(http.User, row.OrganizationId, ct)) return Refusal.Forbidden("only members of the vendor organisation answer findings with VEX");
        if (length > MaxVexBytes) return VexTooLarge();
        var document = new MemoryStream();
        try
        {
            await new LimitedReadStream(body, MaxVexBytes).CopyToAsync(document, ct);
        }
        catch (BlobTooLargeException)
        {
            return VexTooLarge();
        }
        document.Position = 0;
        var parsed = VexDocument.Parse(document, MaxVexBytes, MaxVexStatements);
        if (!parsed.Success)
            return parsed.Error.Code == VexParseError.TooLarge ? VexTooLarge()
                : new Refusal(StatusCodes.Status400BadRequest, parsed.Error.Code == VexParseError.Unsupported ? ProblemCodes.VexUnsupported : ProblemCodes.VexInvalid,
                    "The VEX document cannot be read", parsed.Error.Message);
        var vex = parsed.Document;

        // The version's vulnerability findings, the newest row per fingerprint (a re-match scan repeats them).
        var rows = await db.ScanFindings.AsNoTracking()
            .Where(f => f.RuleId.StartsWith("vuln.") && db.Scans.Any(s => s.Id == f.ScanId && s.SubjectId == v.Id))
            .OrderByDescending(f => f.Id).Take(10_000).ToListAsync(ct);
        var findings = rows.DistinctBy(f => f.Fingerprint).ToList();
        var matched = VexMatching.Match(vex.Statements, findings, aliases ?? (id => CveIdsIn(findings, id)));

        var now = time.GetUtcNow();
        var fingerprints = matched.Answers.Select(a => a.Finding.Fingerprint).ToList();
        var open = (await db.Suppressions.AsNoTracking()
            .Where(s => s.AppId == row.Id && fingerprints.Contains(s.Fingerprint)
                && (s.State == SuppressionStates.Requested || (s.State == SuppressionStates.Approved && s.ExpiresAt > now)))
            .Select(s => s.Fingerprint).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var requested = new List<Suppression>();
        var notApplied = matched.NotApplied.Select(n => Info(n.Statement, n.Reason)).ToList();
        foreach (var statement in matched.Answers.GroupBy(a => a.Statement))
        {
            var fresh = statement.Where(a => !open.Contains(a.Finding.Fingerprint)).ToList();
            if (fresh.Count == 0)
            {
                notApplied.Add(Info(statement.Key, "its findings already have an open or active suppression"));
                continue;
            }
            foreach (var answer in fresh)
            {
                var f = answer.Finding;
                var s = new Suppression
                {
                    Id = Guid.CreateVersion7(now), AppId = row.Id, OrganizationId = row.OrganizationId, Fingerprint = f.Fingerprint,
                    RuleId = f.RuleId, Path = f.Path, Justification = VexReason(vex, answer.Statement), State = SuppressionStates.Requested,
                    RequestedBy = http.User.Id(), RequestedAt = now,
                };
                db.Suppressions.Add(s);
                requested.Add(s);
                audit.Record(db, AuditEvent.By(http, AuditActions.SuppressionRequested, row.OrganizationId.ToString(), s.Id.ToString(),
                    new { app = row.Slug, s.Fingerprint, s.RuleId, version = v.Version, vex = new { vulnerability = answer.Statement.VulnerabilityId, document = vex.Id } }));
                await notifier.QueueForStaffAsync("suppression.requested", new { app = row.Slug, suppressionId = s.Id, s.RuleId, s.Path }, ct);
            }
        }
        if (requested.Count > 0) await db.SaveChangesAsync(ct);
        return new VexSubmissionInfo(vex.Format == VexFormat.OpenVex ? "openvex" : "cyclonedx", vex.Statements.Count,
            [.. requested.Select(s => SuppressionInfo.From(s, now))], notApplied);
    }

    /// <summary>The request's reason: where it came from, the justification and the vendor's impact statement (20-4000 characters, as any request).</summary>
    internal static string VexReason(VexDocument document, VexStatement statement)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(statement);
        var format = document.Format == VexFormat.OpenVex ? "OpenVEX" : "CycloneDX VEX";
        var text = $"{format} statement: not affected by {statement.VulnerabilityId}"
            + (statement.Justification is { } j ? $" ({VexJustifications.ToText(j)})" : "")
            + (string.IsNullOrWhiteSpace(statement.ImpactStatement) ? "." : $". {statement.ImpactStatement.Trim()}")
            + (document.Author is { Length: > 0 } author ? $" Author: {author}." : "");
        return text.Length <= 4000 ? text : text[..3999] + "…";
    }

    /// <summary>
    /// Without the store's aliases: the CVE IDs the findings' messages give for <paramref name="advisory"/> (the engine writes
    /// them after the advisory ID), so a statement about the CVE still finds the GHSA finding.
    /// </summary>
    private static IReadOnlyCollection<string> CveIdsIn(List<Scanning.ScanFinding> findings, string advisory) =>
        [.. findings.Where(f => string.Equals(f.Evidence, advisory, StringComparison.OrdinalIgnoreCase))
            .SelectMany(f => CveId().Matches(f.Message).Select(m => m.Value)).Distinct(StringComparer.OrdinalIgnoreCase)];

    [GeneratedRegex(@"\bCVE-\d{4}-\d{4,}\b", RegexOptions.CultureInvariant)]
    private static partial Regex CveId();

    private static VexStatementInfo Info(VexStatement s, string reason) =>
        new(s.VulnerabilityId, [.. s.Products.Concat(s.Subcomponents)], VexJustifications.ToText(s.Status), reason);

    private static Refusal VexTooLarge() =>
        new(StatusCodes.Status413PayloadTooLarge, ProblemCodes.TooLarge, "The VEX document is too large", $"the limit is {MaxVexBytes} bytes");
}
