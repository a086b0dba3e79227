using Gatehouse.Analysis.Requirements;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Server.Pages;

/// <summary>
/// <c>/guidelines</c>: the security guidelines as a public page, grouped by area; <c>?type=</c> narrows
/// them to one app type (an unknown type is a 400). The same catalogue as <c>/api/guidelines</c>.
/// </summary>
[AllowAnonymous]
public sealed class GuidelinesModel(RequirementCatalog catalog) : PageModel
{
    public RequirementCatalog Catalog => catalog;

    /// <summary>The app type shown, normalised; null for all.</summary>
    public string? AppType { get; private set; }

    /// <summary>The type asked for when it is not one we know.</summary>
    public string? UnknownType { get; private set; }

    public IReadOnlyList<Requirement> Requirements { get; private set; } = [];

    public void OnGet(string? type)
    {
        AppType = type is null ? null : AppTypes.Normalize(type);
        if (type is not null && AppType is null)
        {
            UnknownType = type;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        Requirements = AppType is null ? catalog.All : catalog.ForType(AppType);
    }

    /// <summary>What checks a requirement: rules, planned checks, questions and evidence, each a list of codes.</summary>
    public static IEnumerable<(string Label, IReadOnlyList<string> Codes)> Checks(Requirement r)
    {
        var v = r.VerifiedBy;
        if (v.Rules.Count > 0) yield return ("automated rules", v.Rules);
        if (v.PlannedRules.Count > 0) yield return ("planned checks", v.PlannedRules);
        if (v.Questions.Count > 0) yield return ("questionnaire", v.Questions);
        if (v.Evidence.Count > 0) yield return ("evidence", v.Evidence);
    }
}
