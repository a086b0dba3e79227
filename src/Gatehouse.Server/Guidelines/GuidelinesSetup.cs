using Gatehouse.Analysis.Questionnaires;
using Gatehouse.Analysis.Requirements;

namespace Gatehouse.Server.Guidelines;

/// <summary>The requirements catalogue and the questionnaires the guidelines serve.</summary>
internal static class GuidelinesSetup
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
}
