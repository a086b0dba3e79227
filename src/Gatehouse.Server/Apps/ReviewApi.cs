using System.Security.Claims;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Server.Apps;

/// <summary>
/// The reviewers' side: the queue (tier priority first, then the SLA clock) and assignment. Staff only. The rules
/// live in <see cref="ReviewQueue"/>; the handlers translate its outcomes.
/// </summary>
internal static class ReviewApi
{
    public static IEndpointRouteBuilder MapReviewApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/review").WithTags("Review");
        g.MapGet("/queue", Queue).RequireAuthorization(Policies.Staff).WithName("GetReviewQueue").WithSummary("List the versions waiting for review.");
        app.MapPost("/api/apps/{app}/versions/{version}/assign", Assign).WithTags("Review").RequireAuthorization(Policies.Staff).WithName("AssignReviewer").WithSummary("Assign a reviewer to a version.");
        return app;
    }

    /// <param name="assigned"><c>me</c>, <c>none</c> or empty for all.</param>
    public static async Task<Ok<List<QueueItem>>> Queue(
        ClaimsPrincipal user, ReviewQueue queue, CancellationToken ct, string? tier = null, string? assigned = null, bool overdue = false) =>
        TypedResults.Ok(await queue.QueueAsync(user, tier, assigned, overdue, null, ct));

    /// <summary>Assigns a reviewer (the caller when none is named); never a member of the vendor organisation.</summary>
    public static async Task<Results<Ok<VersionInfo>, ProblemHttpResult>> Assign(
        string app, string version, AssignRequest request, HttpContext http, ReviewQueue queue, CancellationToken ct)
    {
        var outcome = await queue.AssignAsync(http, app, version, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }
}
