using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Agreements;

/// <summary>
/// The developer agreement: admins publish versions, organisation members accept the current one
/// (naming the SHA-256 of the text they saw). A new version must be accepted before the
/// organisation's next submission (<see cref="AgreementGuard"/>).
/// </summary>
public static class AgreementsApi
{
    /// <summary>Longest agreement text, in characters.</summary>
    public const int MaxTextLength = 200_000;
    public const int MaxTitleLength = 200;
    public const string PublishedEvent = "agreement.published";

    public static IEndpointRouteBuilder MapAgreementsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/agreements").WithTags("Agreements");
        g.MapGet("/current", Current).RequireAuthorization().WithName("GetCurrentAgreement").WithSummary("Get the current developer agreement.");
        g.MapGet("/", List).RequireAuthorization(Policies.Read).WithName("ListAgreements").WithSummary("List every published agreement version.");
        g.MapGet("/{agreementVersion:int}", Get).RequireAuthorization(Policies.Read).WithName("GetAgreement").WithSummary("Get one agreement version.");
        g.MapPost("/", Publish).RequireAuthorization(Policies.Admin).WithName("PublishAgreement").WithSummary("Publish a new agreement version.");
        var orgs = app.MapGroup("/api/orgs/{orgId:guid}/agreement").WithTags("Agreements");
        orgs.MapGet("/", Status).RequireAuthorization(Policies.Read).WithName("GetAgreementStatus").WithSummary("Get whether an organisation accepted the current agreement.");
        orgs.MapPost("/accept", Accept).RequireAuthorization(Policies.Write).WithName("AcceptAgreement").WithSummary("Accept the current agreement for an organisation.");
        return app;
    }

    /// <summary>The version everyone must accept now (the highest).</summary>
    public static async Task<Results<Ok<AgreementInfo>, ProblemHttpResult>> Current(GatehouseDb db, CancellationToken ct)
    {
        var current = await db.Agreements.AsNoTracking().OrderByDescending(a => a.Version).FirstOrDefaultAsync(ct);
        return current is null ? Problems.NotFound("Developer agreement") : TypedResults.Ok(AgreementInfo.From(current));
    }

    /// <summary>Every version, newest first, without the text.</summary>
    public static async Task<Ok<List<AgreementSummary>>> List(GatehouseDb db, CancellationToken ct)
    {
        var rows = await db.Agreements.AsNoTracking().OrderByDescending(a => a.Version)
            .Select(a => new AgreementSummary(a.Version, a.Title, a.Sha256, a.PublishedAt)).ToListAsync(ct);
        return TypedResults.Ok(rows);
    }

    /// <remarks>The route parameter is <c>agreementVersion</c>, not <c>version</c>, which app versions use.</remarks>
    public static async Task<Results<Ok<AgreementInfo>, ProblemHttpResult>> Get(int agreementVersion, GatehouseDb db, CancellationToken ct)
    {
        var row = await db.Agreements.AsNoTracking().FirstOrDefaultAsync(a => a.Version == agreementVersion, ct);
        return row is null ? Problems.NotFound("Developer agreement") : TypedResults.Ok(AgreementInfo.From(row));
    }

    /// <summary>Publishes the next version; every organisation is told and must accept it.</summary>
    public static async Task<Results<Created<AgreementInfo>, ProblemHttpResult>> Publish(
        PublishAgreementRequest request, HttpContext http, GatehouseDb db, Notifier notifier, AuditLog audit, TimeProvider time,
        CancellationToken ct)
    {
        var title = request.Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > MaxTitleLength || title.Any(char.IsControl))
            return Problems.Invalid($"title is required: at most {MaxTitleLength} characters, no control characters");
        var text = request.Text;
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxTextLength)
            return Problems.Invalid($"text is required: at most {MaxTextLength} characters");
        if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            return Problems.Invalid("text must not contain control characters other than line breaks and tabs");

        var sha = HashOf(text);
        var latest = await db.Agreements.AsNoTracking().OrderByDescending(a => a.Version).FirstOrDefaultAsync(ct);
        if (latest is not null && latest.Sha256 == sha && latest.Title == title)
            return Problems.Conflict($"version {latest.Version} has this title and text already");
        var row = new DeveloperAgreement
        {
            Version = (latest?.Version ?? 0) + 1, Title = title, Text = text, Sha256 = sha,
            PublishedAt = time.GetUtcNow(), PublishedBy = http.User.Id(),
        };
        db.Agreements.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another admin published the same version number first (the version is the key).
            return Problems.Conflict("another version was published at the same time; read the current one and try again");
        }
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.AgreementPublished, null, row.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new { row.Version, row.Title, sha256 = row.Sha256 }), ct);

        var orgIds = await db.Organizations.AsNoTracking().OrderBy(o => o.Id).Select(o => o.Id).ToListAsync(ct);
        foreach (var orgId in orgIds)
            await notifier.OrganizationAsync(orgId, PublishedEvent, new { version = row.Version, title = row.Title, sha256 = row.Sha256 }, ct);
        return TypedResults.Created($"/api/agreements/{row.Version}", AgreementInfo.From(row));
    }

    /// <summary>Where the organisation stands: the current version, whether (and by whom) it was accepted, what is pending.</summary>
    public static async Task<Results<Ok<OrgAgreementStatus>, ProblemHttpResult>> Status(
        Guid orgId, ClaimsPrincipal user, OrgAccess access, GatehouseDb db, AgreementGuard guard, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(user, orgId, ct)) return Problems.NotFound("Organization");
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
        return TypedResults.Ok(new OrgAgreementStatus(
            orgId, current?.Version, current?.Title, current?.Sha256, ofCurrent is not null,
            ofCurrent?.UserId, ofCurrent?.Email, ofCurrent?.AcceptedAt, pending,
            acceptances.Select(a => (int?)a.Version).FirstOrDefault(), acceptances));
    }

    /// <summary>
    /// A member accepts the current version on the organisation's behalf. Idempotent per
    /// (organisation, version, user): accepting again answers the first record.
    /// </summary>
    public static async Task<Results<Created<AcceptanceInfo>, Ok<AcceptanceInfo>, ProblemHttpResult>> Accept(
        Guid orgId, AcceptAgreementRequest request, HttpContext http, OrgAccess access, GatehouseDb db, AuditLog audit,
        TimeProvider time, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(http.User, orgId, ct)) return Problems.NotFound("Organization");
        var uid = http.User.Id();
        if (!await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == orgId && m.UserId == uid, ct))
            return Problems.Forbidden("only a member of the organisation accepts the agreement on its behalf");
        var sha = request.Sha256?.Trim().ToLowerInvariant();
        if (request.Version <= 0 || sha is null || sha.Length != 64 || !sha.All(char.IsAsciiHexDigitLower))
            return Problems.Invalid("version (a positive number) and sha256 (64 hex digits, the SHA-256 of the agreement's UTF-8 text) are required");

        var current = await db.Agreements.AsNoTracking().OrderByDescending(a => a.Version).FirstOrDefaultAsync(ct);
        if (current is null) return Problems.NotFound("Developer agreement");
        if (request.Version != current.Version)
            return Problems.Of(StatusCodes.Status409Conflict, ProblemCodes.AgreementOutdated, "Not the current agreement",
                $"version {request.Version} is not the current version {current.Version}; read GET /api/agreements/current and accept that",
                new Dictionary<string, object?> { ["currentVersion"] = current.Version, ["currentSha256"] = current.Sha256 });
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(sha), Encoding.ASCII.GetBytes(current.Sha256)))
            return Problems.Of(StatusCodes.Status400BadRequest, ProblemCodes.AgreementHashMismatch, "The text does not match",
                $"sha256 does not match the text of version {current.Version}; the text shown to you is not the published one");

        var id = AcceptanceId(orgId, current.Version, uid);
        var existing = await db.AgreementAcceptances.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (existing is not null) return TypedResults.Ok(await InfoAsync(db, existing, ct));

        var address = http.Connection.RemoteIpAddress?.ToString();
        var row = new AgreementAcceptance
        {
            Id = id, OrganizationId = orgId, UserId = uid, AgreementVersion = current.Version, TextSha256 = current.Sha256,
            AcceptedAt = time.GetUtcNow(), ClientAddress = address is { Length: > 64 } ? address[..64] : address,
        };
        db.AgreementAcceptances.Add(row);
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
            return TypedResults.Ok(await InfoAsync(db, existing, ct));
        }
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.AgreementAccepted, orgId.ToString(), row.Id.ToString(),
            new { version = row.AgreementVersion, sha256 = row.TextSha256 }), ct);
        return TypedResults.Created($"/api/orgs/{orgId}/agreement", await InfoAsync(db, row, ct));
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string HashOf(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>One acceptance per (organisation, version, user): the id is derived from the three, so the primary key enforces it.</summary>
    internal static Guid AcceptanceId(Guid orgId, int version, string userId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"gatehouse-acceptance/v1\n{orgId:D}\n{version}\n{userId}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    private static async Task<AcceptanceInfo> InfoAsync(GatehouseDb db, AgreementAcceptance a, CancellationToken ct)
    {
        var email = await db.Users.AsNoTracking().Where(u => u.Id == a.UserId).Select(u => u.Email).FirstOrDefaultAsync(ct);
        return new AcceptanceInfo(a.AgreementVersion, a.UserId, email, a.AcceptedAt, a.TextSha256);
    }
}

public sealed record PublishAgreementRequest(string? Title, string? Text);
public sealed record AcceptAgreementRequest(int Version, string? Sha256);

public sealed record AgreementSummary(int Version, string Title, string Sha256, DateTimeOffset PublishedAt);

public sealed record AgreementInfo(int Version, string Title, string Text, string Sha256, DateTimeOffset PublishedAt)
{
    public static AgreementInfo From(DeveloperAgreement a) => new(a.Version, a.Title, a.Text, a.Sha256, a.PublishedAt);
}

public sealed record AcceptanceInfo(int Version, string UserId, string? Email, DateTimeOffset AcceptedAt, string Sha256);

/// <param name="PendingVersion">The version the organisation must accept before its next submission, or null.</param>
/// <param name="LastAcceptedVersion">The newest version anyone of the organisation accepted, or null.</param>
public sealed record OrgAgreementStatus(
    Guid OrganizationId, int? CurrentVersion, string? CurrentTitle, string? CurrentSha256, bool Accepted,
    string? AcceptedBy, string? AcceptedByEmail, DateTimeOffset? AcceptedAt, int? PendingVersion, int? LastAcceptedVersion,
    IReadOnlyList<AcceptanceInfo> Acceptances);
