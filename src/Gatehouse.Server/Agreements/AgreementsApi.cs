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
/// organisation's next submission (<see cref="AgreementGuard"/>). The rules live in <see cref="DeveloperAgreements"/>;
/// the handlers translate its outcomes.
/// </summary>
internal static class AgreementsApi
{
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
        PublishAgreementRequest request, HttpContext http, DeveloperAgreements agreements, CancellationToken ct)
    {
        var outcome = await agreements.PublishAsync(http, request, ct);
        if (outcome.Refusal is { } refusal) return refusal.ToProblem();
        return TypedResults.Created($"/api/agreements/{outcome.Value!.Version}", outcome.Value);
    }

    /// <summary>Where the organisation stands: the current version, whether (and by whom) it was accepted, what is pending.</summary>
    public static async Task<Results<Ok<OrgAgreementStatus>, ProblemHttpResult>> Status(
        Guid orgId, ClaimsPrincipal user, DeveloperAgreements agreements, CancellationToken ct)
    {
        var outcome = await agreements.StatusAsync(user, orgId, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    /// <summary>
    /// A member accepts the current version on the organisation's behalf. Idempotent per
    /// (organisation, version, user): accepting again answers the first record.
    /// </summary>
    public static async Task<Results<Created<AcceptanceInfo>, Ok<AcceptanceInfo>, ProblemHttpResult>> Accept(
        Guid orgId, AcceptAgreementRequest request, HttpContext http, DeveloperAgreements agreements, CancellationToken ct)
    {
        var outcome = await agreements.AcceptAsync(http, orgId, request, ct);
        if (outcome.Refusal is { } refusal) return refusal.ToProblem();
        var (info, created) = outcome.Value!;
        return created ? TypedResults.Created($"/api/orgs/{orgId}/agreement", info) : TypedResults.Ok(info);
    }

}
