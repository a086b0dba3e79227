using System.Security.Claims;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Server.Apps;

/// <summary>
/// Suppressions: a vendor asks that one finding (by fingerprint) stop counting, with a justification; a
/// reviewer approves it with an expiry (at most a year). It then holds across rescans until it expires.
/// The rules live in <see cref="SuppressionWorkflow"/>; the handlers translate its outcomes.
/// </summary>
internal static class SuppressionsApi
{
    public static IEndpointRouteBuilder MapSuppressionsApi(this IEndpointRouteBuilder app)
    {
        var apps = app.MapGroup("/api/apps/{app}/suppressions").WithTags("Suppressions");
        apps.MapPost("/", Request).RequireAuthorization(Policies.Write).WithName("RequestSuppression").WithSummary("Ask for a finding of an app to be suppressed.");
        apps.MapGet("/", List).RequireAuthorization(Policies.Read).WithName("ListSuppressions").WithSummary("List an app's suppressions.");
        app.MapPost("/api/apps/{app}/versions/{version}/vex", SubmitVex).WithTags("Suppressions").RequireAuthorization(Policies.Write)
            .Accepts<Stream>("application/json", "application/vnd.cyclonedx+json").DisableAntiforgery()
            .WithName("SubmitVex").WithSummary("Answer a version's vulnerability findings with a VEX document (OpenVEX or CycloneDX): not_affected statements become suppression requests.");
        var s = app.MapGroup("/api/suppressions/{suppressionId:guid}").WithTags("Suppressions");
        s.MapPost("/approve", Approve).RequireAuthorization(Policies.Staff).WithName("ApproveSuppression").WithSummary("Approve a suppression request.");
        s.MapPost("/reject", Reject).RequireAuthorization(Policies.Staff).WithName("RejectSuppression").WithSummary("Reject a suppression request.");
        s.MapPost("/revoke", Revoke).RequireAuthorization(Policies.Staff).WithName("RevokeSuppression").WithSummary("Revoke an approved suppression.");
        return app;
    }

    public static async Task<Results<Created<SuppressionInfo>, ProblemHttpResult>> Request(
        string app, RequestSuppressionRequest request, HttpContext http, SuppressionWorkflow suppressions, CancellationToken ct)
    {
        var outcome = await suppressions.RequestAsync(http, app, request, ct);
        if (outcome.Refusal is { } refusal) return refusal.ToProblem();
        return TypedResults.Created($"/api/apps/{app}/suppressions", outcome.Value!);
    }

    /// <summary>The raw body is the VEX document (at most <see cref="SuppressionWorkflow.MaxVexBytes"/>), read only once the caller is known to be a member.</summary>
    public static async Task<Results<Ok<VexSubmissionInfo>, ProblemHttpResult>> SubmitVex(
        string app, string version, HttpContext http, SuppressionWorkflow suppressions, CancellationToken ct)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = SuppressionWorkflow.MaxVexBytes;
        var outcome = await suppressions.SubmitVexAsync(http, app, version, http.Request.Body, http.Request.ContentLength, null, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<Ok<List<SuppressionInfo>>, ProblemHttpResult>> List(
        string app, ClaimsPrincipal user, SuppressionWorkflow suppressions, CancellationToken ct)
    {
        var outcome = await suppressions.ListAsync(user, app, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static Task<Results<Ok<SuppressionInfo>, ProblemHttpResult>> Approve(
        Guid suppressionId, DecideSuppressionRequest request, HttpContext http, SuppressionWorkflow suppressions, CancellationToken ct) =>
        DecideAsync(suppressionId, request, SuppressionStates.Approved, http, suppressions, ct);

    public static Task<Results<Ok<SuppressionInfo>, ProblemHttpResult>> Reject(
        Guid suppressionId, DecideSuppressionRequest request, HttpContext http, SuppressionWorkflow suppressions, CancellationToken ct) =>
        DecideAsync(suppressionId, request, SuppressionStates.Rejected, http, suppressions, ct);

    public static Task<Results<Ok<SuppressionInfo>, ProblemHttpResult>> Revoke(
        Guid suppressionId, DecideSuppressionRequest request, HttpContext http, SuppressionWorkflow suppressions, CancellationToken ct) =>
        DecideAsync(suppressionId, request, SuppressionStates.Revoked, http, suppressions, ct);

    private static async Task<Results<Ok<SuppressionInfo>, ProblemHttpResult>> DecideAsync(
        Guid suppressionId, DecideSuppressionRequest request, string to, HttpContext http, SuppressionWorkflow suppressions, CancellationToken ct)
    {
        var outcome = await suppressions.DecideAsync(http, suppressionId, request, to, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }
}
