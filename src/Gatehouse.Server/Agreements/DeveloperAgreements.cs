using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Agreements;

/// <summary>
/// The developer agreement's rules: admins publish versions (a title and a text within bounds, never the same twice in
/// a row), organisation members accept the current one by naming the SHA-256 of the text they saw, once per
/// (organisation, version, user). The API and the console both call it.
/// </summary>
public sealed class DeveloperAgreements(OrgAccess access, GatehouseDb db, AgreementGuard guard, Notifier notifier, AuditLog audit, TimeProvider time)
{
    /// <summary>Longest agreement text, in characters.</summary>
    public const int MaxTextLength = 200_000;
    public const int MaxTitleLength = 200;
    public const string PublishedEvent = "agreement.published";

    /// <summary>Publishes the next version; every organisation is told and must accept it.</summary>
    public async Task<Outcome<AgreementInfo>> PublishAsync(HttpContext http, PublishAgreementRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var title = request.Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > MaxTitleLength || title.Any(char.IsControl))
            return Refusal.Invalid($"title is required: at most {MaxTitleLength} characters, no control characters");
        var text = request.Text;
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxTextLength)
            return Refusal.Invalid($"text is required: at most {MaxTextLength} characters");
        if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            return Refusal.Invalid("text must not contain control characters other than line breaks and tabs");

        var sha = HashOf(text);
        var latest = await db.Agreements.AsNoTracking().OrderByDescending(a => a.Version).FirstOrDefaultAsync(ct);
        if (latest is not null && latest.Sha256 == sha && latest.Title == title)
            return Refusal.Conflict($"version {latest.Version} has this title and text already");
        var row = new DeveloperAgreement
        {
            Version = (latest?.Version ?? 0) + 1, Title = title, Text = text, Sha256 = sha,
            PublishedAt = time.GetUtcNow(), PublishedBy = http.User.Id(),
        };
        db.Agreements.Add(row);
        // The new version, its audit entry and every organisation's notice commit together.
        audit.Record(db, AuditEvent.By(http, AuditActions.AgreementPublished, null, row.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new { row.Version, row.Title, sha256 = row.Sha256 }));
        var orgIds = await db.Organizations.AsNoTracking().OrderBy(o => o.Id).Select(o => o.Id).ToListAsync(ct);
        foreach (var orgId in orgIds)
            await notifier.QueueForOrganizationAsync(orgId, PublishedEvent, new { version = row.Version, title = row.Title, sha256 = row.Sha256 }, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another admin published the same version number first (the version is the key).
            return Refusal.Conflict("another version was published at the same time; read the current one and try again");
        }
        return AgreementInfo.From(row);
    }

    /// <summary>Where the organisation stands: the current version, whether (and by whom) it was accepted, what is pending.</summary>
    public async Task<Outcome<OrgAgreementStatus>> StatusAsync(ClaimsPrincipal user, Guid orgId, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(user, orgId, ct)) return Refusal.NotFound("Organization");
        var current = await db.Agreements.AsNoTracking().OrderByDescending(a => a.Version)
            .Select(a => new { a.Version, a.Title, a.Sha256 }).FirstOrDefaultAsync(ct);
        var acceptances = await (from a in db.AgreementAcceptances
                                 join u in db.Users on a.UserId equals u.Id into users
                                 from u in users.DefaultIfEmpty()
                                 where a.OrganizationId == orgId
                                 select new AcceptanceInfo(a.AgreementVersion, a.UserId, u == null ? null : u.Email, a.AcceptedAt, a.TextSha256))
            .ToListAsync(ct);
        acceptances = acceptances.OrderByDescending(a => a.Version).ThenBy(a => a.AcceptedAt).ToList();
        var ofCurrent = current is null ? null : acceptances.FirstOrDefault(a => a.Version == current.Version);
        var pending = await guard.PendingVersionAsync(orgId, ct);
        return new OrgAgreementStatus(
            orgId, current?.Version, current?.Title, current?.Sha256, ofCurrent is not null,
            ofCurrent?.UserId, ofCurrent?.Email, ofCurrent?.AcceptedAt, pending,
            acceptances.Select(a => (int?)a.Version).FirstOrDefault(), acceptances);
    }

    /// <summary>
    /// A member accepts the current version on the organisation's behalf. Idempotent per
    /// (organisation, version, user): accepting again answers the first record (<see cref="Acceptance.Created"/> false).
    /// </summary>
    public async Task<Outcome<Acceptance>> AcceptAsync(HttpContext http, Guid orgId, AcceptAgreementRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        if (!await access.CanSeeAsync(http.User, orgId, ct)) return Refusal.NotFound("Organization");
        var uid = http.User.Id();
        if (!await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == orgId && m.UserId == uid, ct))
            return Refusal.Forbidden("only a member of the organisation accepts the agreement on its behalf");
        var sha = request.Sha256?.Trim().ToLowerInvariant();
        if (request.Version <= 0 || sha is null || sha.Length != 64 || !sha.All(char.IsAsciiHexDigitLower))
            return Refusal.Invalid("version (a positive number) and sha256 (64 hex digits, the SHA-256 of the agreement's UTF-8 text) are required");

        var current = await db.Agreements.AsNoTracking().OrderByDescending(a => a.Version).FirstOrDefaultAsync(ct);
        if (current is null) return Refusal.NotFound("Developer agreement");
        if (request.Version != current.Version)
            return new Refusal(StatusCodes.Status409Conflict, ProblemCodes.AgreementOutdated, "Not the current agreement",
                $"version {request.Version} is not the current version {current.Version}; read GET /api/agreements/current and accept that",
                new Dictionary<string, object?> { ["currentVersion"] = current.Version, ["currentSha256"] = current.Sha256 });
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(sha), Encoding.ASCII.GetBytes(current.Sha256)))
            return new Refusal(StatusCodes.Status400BadRequest, ProblemCodes.AgreementHashMismatch, "The text does not match",
                $"sha256 does not match the text of version {current.Version}; the text shown to you is not the published one");

        var id = AcceptanceId(orgId, current.Version, uid);
        var existing = await db.AgreementAcceptances.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (existing is not null) return new Acceptance(await InfoAsync(existing, ct), Created: false);

        var address = http.Connection.RemoteIpAddress?.ToString();
        var row = new AgreementAcceptance
        {
            Id = id, OrganizationId = orgId, UserId = uid, AgreementVersion = current.Version, TextSha256 = current.Sha256,
            AcceptedAt = time.GetUtcNow(), ClientAddress = address is { Length: > 64 } ? address[..64] : address,
        };
        db.AgreementAcceptances.Add(row);
        audit.Record(db, AuditEvent.By(http, AuditActions.AgreementAccepted, orgId.ToString(), row.Id.ToString(),
            new { version = row.AgreementVersion, sha256 = row.TextSha256 }));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same user accepted the same version concurrently: the id is deterministic, so the key refused the twin.
            db.ChangeTracker.Clear();
            existing = await db.AgreementAcceptances.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
            if (existing is null) throw;
            return new Acceptance(await InfoAsync(existing, ct), Created: false);
        }
        return new Acceptance(await InfoAsync(row, ct), Created: true);
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string HashOf(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>One acceptance per (organisation, version, user): the id is derived from the three, so the primary key enforces it.</summary>
    internal static Guid AcceptanceId(Guid orgId, int version, string userId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"gatehouse-acceptance/v1\n{orgId:D}\n{version}\n{userId}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    private async Task<AcceptanceInfo> InfoAsync(AgreementAcceptance a, CancellationToken ct)
    {
        var email = await db.Users.AsNoTracking().Where(u => u.Id == a.UserId).Select(u => u.Email).FirstOrDefaultAsync(ct);
        return new AcceptanceInfo(a.AgreementVersion, a.UserId, email, a.AcceptedAt, a.TextSha256);
    }
}
