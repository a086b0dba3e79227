using Gatehouse.Analysis.Requirements;

namespace Gatehouse.Server.Apps;

/// <summary>Reason codes a decision may carry besides requirement and rule IDs.</summary>
internal static class ReasonCodes
{
    public static readonly IReadOnlySet<string> Lifecycle = new HashSet<string>(StringComparer.Ordinal)
    {
        VersionWorkflow.Guards.AgreementNotAccepted, VersionWorkflow.Guards.EvidenceMissing, VersionWorkflow.Guards.QuestionnaireFail,
        VersionWorkflow.Guards.ScanIncomplete, VersionWorkflow.Guards.ScanBlocking, "scan.not-applicable",
        "review.functional-failure", "review.misleading-listing", "review.policy-violation", "review.vendor-request",
        "review.security-incident", "review.other",
    };

    private static readonly Lazy<HashSet<string>> RuleIds = new(() =>
        Gatehouse.Analysis.Analyzers.AnalyzerCatalog.AllRules().Select(r => r.Id).ToHashSet(StringComparer.Ordinal));

    /// <summary>Requirement IDs, engine rule IDs and lifecycle codes.</summary>
    public static bool IsKnown(string code) =>
        RequirementCatalog.LoadEmbedded().Find(code) is not null || RuleIds.Value.Contains(code) || Lifecycle.Contains(code);
}
