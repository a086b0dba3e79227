using Gatehouse.Analysis.Questionnaires;
using Gatehouse.Analysis.Requirements;
using Gatehouse.Server.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Gatehouse.Server.Guidelines;

/// <summary>
/// The security guidelines, public so vendors read them before they sign up: <c>/guidelines</c> (a
/// page, Pages/Guidelines.cshtml), <c>/api/guidelines</c> (the catalogue as JSON) and <c>/api/questionnaires/{appType}</c>.
/// Served from the catalogue embedded in the engine, the one <c>gatehouse guidelines</c> prints.
/// </summary>
internal static class GuidelinesApi
{
    public static IEndpointRouteBuilder MapGuidelinesApi(this IEndpointRouteBuilder app)
    {
        // The readable page is the Razor Page Pages/Guidelines.cshtml (/guidelines).
        var api = app.MapGroup("/api").WithTags("Guidelines").AllowAnonymous();
        api.MapGet("/guidelines", List).WithName("ListGuidelines").WithSummary("List the current requirements.");
        api.MapGet("/guidelines/{requirementId}", One).WithName("GetGuideline").WithSummary("Get one requirement.");
        api.MapGet("/guidelines/{requirementId}/versions", Versions).WithName("ListGuidelineVersions").WithSummary("List a requirement's versions.");
        api.MapGet("/questionnaires/{appType}", CurrentQuestionnaire).WithName("GetQuestionnaire").WithSummary("Get the current questionnaire of an app type.");
        return app;
    }

    /// <summary>Every requirement, or those for <paramref name="type"/> (<c>web-integration</c>, ...).</summary>
    public static Results<Ok<GuidelinesResponse>, ProblemHttpResult> List(RequirementCatalog catalog, [FromQuery] string? type = null)
    {
        var appType = type is null ? null : AppTypes.Normalize(type);
        if (type is not null && appType is null) return UnknownType(type);
        var requirements = appType is null ? catalog.All : catalog.ForType(appType);
        return TypedResults.Ok(new GuidelinesResponse(catalog.Version, catalog.Digest, appType, requirements));
    }

    /// <summary>One requirement by ID (<c>GH-TLS-1</c>).</summary>
    public static Results<Ok<Requirement>, ProblemHttpResult> One(RequirementCatalog catalog, string requirementId) =>
        catalog.Find(requirementId) is { } r ? TypedResults.Ok(r) : Problems.NotFound($"Requirement '{requirementId}'");

    /// <summary>
    /// Every version of a requirement this server has shipped, newest first, with its exact content: how
    /// to read an old decision against the text it was judged by (versions record their catalogue version).
    /// </summary>
    public static async Task<Results<Ok<List<RequirementVersionInfo>>, ProblemHttpResult>> Versions(
        string requirementId, Listing.RequirementSnapshots snapshots, CancellationToken ct)
    {
        var rows = await snapshots.HistoryAsync(requirementId, ct);
        if (rows.Count == 0) return Problems.NotFound($"Requirement '{requirementId}'");
        return TypedResults.Ok(rows.Select(r => new RequirementVersionInfo(r.RequirementId, r.Version, r.Digest, r.FirstSeenAt,
            System.Text.Json.JsonDocument.Parse(r.Json).RootElement.Clone())).ToList());
    }

    /// <summary>The current questionnaire for an app type.</summary>
    public static Results<Ok<Questionnaire>, ProblemHttpResult> CurrentQuestionnaire(QuestionnaireSet questionnaires, string appType)
    {
        if (AppTypes.Normalize(appType) is null) return UnknownType(appType);
        return questionnaires.Find(appType) is { } q ? TypedResults.Ok(q) : Problems.NotFound($"Questionnaire for '{appType}'");
    }

    private static ProblemHttpResult UnknownType(string type) =>
        Problems.Invalid($"unknown app type '{(type.Length > 40 ? type[..40] : type)}'; expected one of: {string.Join(", ", AppTypes.All)}");
}

/// <summary>The catalogue as JSON: its version and digest, the app type filter if any, and the requirements.</summary>
internal sealed record GuidelinesResponse(string CatalogVersion, string CatalogDigest, string? AppType, IReadOnlyList<Requirement> Requirements);

/// <summary>One stored version of a requirement: its digest, when this server first shipped it, and its content.</summary>
internal sealed record RequirementVersionInfo(string RequirementId, int Version, string Digest, DateTimeOffset FirstSeenAt, System.Text.Json.JsonElement Content);
