using System.Globalization;
using System.Text;
using Gatehouse.Analysis.Questionnaires;
using Gatehouse.Analysis.Requirements;
using Gatehouse.Server.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using static Gatehouse.Server.Console.HtmlPage;

namespace Gatehouse.Server.Guidelines;

/// <summary>
/// The security guidelines, public so vendors read them before they sign up: <c>/guidelines</c> (a
/// page), <c>/api/guidelines</c> (the catalogue as JSON) and <c>/api/questionnaires/{appType}</c>.
/// Served from the catalogue embedded in the engine, the one <c>gatehouse guidelines</c> prints.
/// </summary>
public static class GuidelinesApi
{
    /// <summary>
    /// The catalogue and questionnaires as singletons, loaded and cross-checked here: invalid data
    /// (<see cref="GuidelineDataException"/>) stops the start instead of failing requests later.
    /// </summary>
    public static IServiceCollection AddGatehouseGuidelines(this IServiceCollection services)
    {
        var catalog = RequirementCatalog.LoadEmbedded();
        var questionnaires = QuestionnaireSet.LoadEmbedded();
        if (questionnaires.CheckAgainst(catalog) is { Count: > 0 } problems)
            throw new GuidelineDataException("questionnaires and requirements catalogue", problems);
        return services.AddSingleton(catalog).AddSingleton(questionnaires);
    }

    public static IEndpointRouteBuilder MapGuidelinesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/guidelines", Page).AllowAnonymous().WithTags("Guidelines").ExcludeFromDescription().WithName("GuidelinesPage").WithSummary("Show the published guidelines as a web page.");
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

    /// <summary>The readable page, grouped by area; <c>?type=</c> narrows it to one app type.</summary>
    public static IResult Page(RequirementCatalog catalog, [FromQuery] string? type = null)
    {
        var appType = type is null ? null : AppTypes.Normalize(type);
        if (type is not null && appType is null)
            return Render("Security guidelines", $"<p role=\"alert\">Unknown app type {E(type)}. Choose one of: {E(string.Join(", ", AppTypes.All))}.</p>", 400);
        var requirements = appType is null ? catalog.All : catalog.ForType(appType);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <p>What every app in the marketplace must meet, and how the gate checks it. Catalogue version
            <code>{E(catalog.Version)}</code>; as JSON at <a href="/api/guidelines">/api/guidelines</a>, and on the command
            line with <code>gatehouse guidelines</code>. Each requirement has a version: reports record the version they were judged by.</p>
            """);
        html.Append("<nav><p>Show: ");
        html.Append(appType is null ? "<strong>all app types</strong>" : "<a href=\"/guidelines\">all app types</a>");
        foreach (var t in AppTypes.All)
            html.Append(" · ").Append(t == appType ? $"<strong>{E(AppTypes.Title(t))}</strong>" : $"<a href=\"/guidelines?type={E(t)}\">{E(AppTypes.Title(t))}</a>");
        html.Append("</p></nav>\n");
        if (appType is not null)
            html.Append(CultureInfo.InvariantCulture, $"<p>Questionnaire for {E(AppTypes.Title(appType))}: <a href=\"/api/questionnaires/{E(appType)}\">/api/questionnaires/{E(appType)}</a>.</p>\n");
        foreach (var area in requirements.GroupBy(r => r.Area))
        {
            html.Append(CultureInfo.InvariantCulture, $"<section>\n<h2>{E(area.First().AreaTitle)}</h2>\n");
            foreach (var r in area) AppendRequirement(html, r);
            html.Append("</section>\n");
        }
        return Render(appType is null ? "Security guidelines" : $"Security guidelines: {AppTypes.Title(appType)}", html.ToString());
    }

    private static void AppendRequirement(StringBuilder html, Requirement r)
    {
        var v = r.VerifiedBy;
        var checks = new List<string>();
        if (v.Rules.Count > 0) checks.Add("automated rules " + Codes(v.Rules));
        if (v.PlannedRules.Count > 0) checks.Add("planned checks " + Codes(v.PlannedRules));
        if (v.Questions.Count > 0) checks.Add("questionnaire " + Codes(v.Questions));
        if (v.Evidence.Count > 0) checks.Add("evidence " + Codes(v.Evidence));
        html.Append(CultureInfo.InvariantCulture, $"""
            <article id="{E(r.Id)}">
            <h3>{E(r.Id)}: {E(r.Title)}</h3>
            <dl>
            <dt>Severity</dt><dd>{E(r.Severity)}</dd>
            <dt>Applies to</dt><dd>{E(string.Join(", ", r.AppliesTo.Select(AppTypes.Title)))}</dd>
            <dt>Why it matters</dt><dd>{E(r.Why)}</dd>
            <dt>How to comply</dt><dd>{E(r.How)}</dd>
            <dt>Verified by</dt><dd>{string.Join("; ", checks)}</dd>
            <dt>Version</dt><dd>{r.Version.ToString(CultureInfo.InvariantCulture)}, effective {E(r.Effective.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))}</dd>
            </dl>
            </article>

            """);
    }

    private static string Codes(IEnumerable<string> values) => string.Join(", ", values.Select(x => $"<code>{E(x)}</code>"));

    private static ProblemHttpResult UnknownType(string type) =>
        Problems.Invalid($"unknown app type '{(type.Length > 40 ? type[..40] : type)}'; expected one of: {string.Join(", ", AppTypes.All)}");
}

/// <summary>The catalogue as JSON: its version and digest, the app type filter if any, and the requirements.</summary>
public sealed record GuidelinesResponse(string CatalogVersion, string CatalogDigest, string? AppType, IReadOnlyList<Requirement> Requirements);

/// <summary>One stored version of a requirement: its digest, when this server first shipped it, and its content.</summary>
public sealed record RequirementVersionInfo(string RequirementId, int Version, string Digest, DateTimeOffset FirstSeenAt, System.Text.Json.JsonElement Content);
