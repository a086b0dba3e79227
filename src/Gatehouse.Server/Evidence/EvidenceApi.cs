using System.Security.Claims;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Server.Evidence;

/// <summary>
/// The evidence vault's routes: an organisation uploads certifications and reports, the engine checks each
/// file, staff verify or reject it, and expiry is tracked (<see cref="EvidenceExpiryHandler"/>).
/// Evidence is never public: every route needs a signed-in caller who may see the organisation,
/// and anything else answers 404. The rules live in <see cref="EvidenceVault"/>; the handlers translate its outcomes.
/// </summary>
internal static class EvidenceApi
{
    public static IEndpointRouteBuilder MapEvidenceApi(this IEndpointRouteBuilder app)
    {
        var orgs = app.MapGroup("/api/orgs/{orgId:guid}/evidence").WithTags("Evidence");
        orgs.MapPost("/", Upload).RequireAuthorization(Policies.Write)
            .Accepts<Stream>("application/octet-stream").DisableAntiforgery().WithName("UploadEvidence").WithSummary("Upload an evidence document for an organisation.");
        orgs.MapGet("/", List).RequireAuthorization(Policies.Read).WithName("ListEvidence").WithSummary("List an organisation's evidence.");
        var items = app.MapGroup("/api/evidence/{evidenceId:guid}").WithTags("Evidence");
        items.MapGet("/", Get).RequireAuthorization(Policies.Read).WithName("GetEvidence").WithSummary("Get an evidence item.");
        items.MapGet("/file", Download).RequireAuthorization(Policies.Read).WithName("DownloadEvidence").WithSummary("Download an evidence item's file.");
        items.MapPost("/verify", Verify).RequireAuthorization(Policies.Staff).WithName("VerifyEvidence").WithSummary("Mark an evidence item as verified.");
        items.MapPost("/reject", Reject).RequireAuthorization(Policies.Staff).WithName("RejectEvidence").WithSummary("Reject an evidence item.");
        return app;
    }

    /// <summary>
    /// The raw request body is the file (streamed into the blob store, never buffered whole); the
    /// fields come in the query. The item starts <c>scanning</c>: the engine checks the file first.
    /// </summary>
    public static async Task<Results<Accepted<EvidenceInfo>, ProblemHttpResult>> Upload(
        Guid orgId, HttpContext http, [AsParameters] EvidenceFields fields, [AsParameters] EvidenceServices s, CancellationToken ct)
    {
        var outcome = await s.Vault.UploadAsync(http, orgId, fields,
            () => BlobUploads.ReceiveAsync(http, orgId, s.Blobs, s.Options.Value.MaxUploadBytes, "file", "Evidence:MaxUploadBytes", ct), ct);
        if (outcome.Refusal is { } refusal) return refusal.ToProblem();
        return TypedResults.Accepted($"/api/evidence/{outcome.Value!.Id}", outcome.Value);
    }

    public static async Task<Results<Ok<List<EvidenceInfo>>, ProblemHttpResult>> List(
        Guid orgId, ClaimsPrincipal user, EvidenceVault vault, CancellationToken ct)
    {
        var outcome = await vault.ListAsync(user, orgId, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<Ok<EvidenceInfo>, ProblemHttpResult>> Get(
        Guid evidenceId, ClaimsPrincipal user, EvidenceVault vault, CancellationToken ct)
    {
        var outcome = await vault.GetAsync(user, evidenceId, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    /// <summary>
    /// The file, for the organisation's members and staff, always as a download (never rendered by the
    /// browser). Not while the file check runs, and never for a file the check blocked.
    /// </summary>
    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Download(
        Guid evidenceId, HttpContext http, EvidenceVault vault, CancellationToken ct)
    {
        var outcome = await vault.OpenFileAsync(http.User, evidenceId, ct);
        if (outcome.Refusal is { } refusal) return refusal.ToProblem();
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Stream(outcome.Value!.Content, "application/octet-stream", outcome.Value.FileName);
    }

    public static async Task<Results<Ok<EvidenceInfo>, ProblemHttpResult>> Verify(
        Guid evidenceId, ReviewEvidenceRequest? request, HttpContext http, EvidenceVault vault, CancellationToken ct)
    {
        var outcome = await vault.VerifyAsync(http, evidenceId, request?.Note, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<Ok<EvidenceInfo>, ProblemHttpResult>> Reject(
        Guid evidenceId, ReviewEvidenceRequest? request, HttpContext http, EvidenceVault vault, CancellationToken ct)
    {
        var outcome = await vault.RejectAsync(http, evidenceId, request?.Note, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }
}
