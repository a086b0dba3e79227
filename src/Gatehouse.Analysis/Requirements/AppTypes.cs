namespace Gatehouse.Analysis.Requirements;

/// <summary>The four kinds of app the marketplace lists, as written in the catalogue, questionnaires and APIs.</summary>
public static class AppTypes
{
    public const string WebIntegration = "web-integration";
    public const string Downloadable = "downloadable";
    public const string Container = "container";
    public const string HelmChart = "helm-chart";

    /// <summary>Every app type, in the order pages list them.</summary>
    public static readonly IReadOnlyList<string> All = [WebIntegration, Downloadable, Container, HelmChart];

    /// <summary>
    /// The canonical name of <paramref name="name"/>, also accepting the short names of
    /// <c>gatehouse check --type</c> (<c>web</c>, <c>chart</c>); null when it names no app type.
    /// </summary>
    public static string? Normalize(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        WebIntegration or "web" => WebIntegration,
        Downloadable => Downloadable,
        Container => Container,
        HelmChart or "chart" => HelmChart,
        _ => null,
    };

    /// <summary>A short title for headings.</summary>
    public static string Title(string appType) => appType switch
    {
        WebIntegration => "Web integrations",
        Downloadable => "Downloadable files",
        Container => "Container images",
        HelmChart => "Helm charts",
        _ => appType,
    };
}

/// <summary>Kinds of evidence a vendor uploads to the evidence vault, named by <c>verifiedBy.evidence</c>.</summary>
public static class EvidenceTypes
{
    public const string Iso27001 = "iso27001";
    public const string Soc2Type1 = "soc2-type1";
    public const string Soc2Type2 = "soc2-type2";
    public const string PentestLetter = "pentest-letter";
    public const string Sbom = "sbom";
    public const string IncidentResponsePlan = "incident-response-plan";
    public const string VulnerabilityDisclosurePolicy = "vulnerability-disclosure-policy";

    public static readonly IReadOnlyList<string> All =
        [Iso27001, Soc2Type1, Soc2Type2, PentestLetter, Sbom, IncidentResponsePlan, VulnerabilityDisclosurePolicy];
}

/// <summary>Requirement severities, most severe first.</summary>
public static class RequirementSeverities
{
    public const string Critical = "critical";
    public const string High = "high";
    public const string Medium = "medium";
    public const string Low = "low";

    public static readonly IReadOnlyList<string> All = [Critical, High, Medium, Low];
}
