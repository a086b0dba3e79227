using Gatehouse.Analysis.Vulnerabilities.Matching;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Advisories;

/// <summary>
/// The server's advisory store: an admin imports OSV records (<c>POST /api/advisories/import</c>), anyone signed in reads
/// how current it is (<c>GET /api/advisories/status</c>: vendors judge a finding, or its absence, by the feed's age too).
/// </summary>
internal static class AdvisoriesApi
{
    public static IEndpointRouteBuilder MapAdvisoriesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/advisories").WithTags("Advisories");
        group.MapPost("/import", Import).RequireAuthorization(Policies.Admin)
            .Accepts<Stream>("application/zip", "application/json", "application/octet-stream").DisableAntiforgery()
            .WithName("ImportAdvisories").WithSummary("Import OSV advisories: a zip of records (an OSV export) or one record.");
        group.MapGet("/status", Status).RequireAuthorization(Policies.Read)
            .WithName("GetAdvisoryStatus").WithSummary("How current the advisory store is, per ecosystem.");
        return app;
    }

    /// <summary>
    /// The raw body is the import, streamed to a private scratch file (at most <c>Advisories:MaxImportBytes</c>) and
    /// imported before the answer: an upload is an admin's deliberate act and they wait for its counts. The admin policy
    /// is checked before this runs, so nothing of a refused caller's body is read. <paramref name="name"/> only labels the
    /// audit entry.
    /// </summary>
    public static async Task<Results<Ok<AdvisoryImportResult>, ProblemHttpResult>> Import(
        HttpContext http, AdvisoryImports imports, IOptions<AdvisoriesOptions> options, CancellationToken ct, string? name = null)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = options.Value.MaxImportBytes;
        var outcome = await imports.UploadAsync(http, http.Request.Body, http.Request.ContentLength, name, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static Ok<AdvisoryStatusInfo> Status(IAdvisorySource store, IOptions<AdvisoriesOptions> options, TimeProvider time) =>
        TypedResults.Ok(AdvisoryStatusInfo.From(store.Status(), options.Value.StaleAfter, time.GetUtcNow()));
}
