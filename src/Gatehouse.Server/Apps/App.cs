namespace Gatehouse.Server.Apps;

/// <summary>An app listed (or to be listed) in the marketplace, owned by a vendor organisation.</summary>
public sealed class App
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    /// <summary>Marketplace-wide unique key, lower-case letters, digits and dashes (the CLI's <c>APP</c>).</summary>
    public required string Slug { get; set; }
    public required string Name { get; set; }
    /// <summary>One of <see cref="AppTypes"/>.</summary>
    public required string Type { get; set; }
    /// <summary>Listing tier, a key of the listing policy's tiers (e.g. <c>standard</c>, <c>enterprise</c>).</summary>
    public required string Tier { get; set; }
    /// <summary>Web integrations: the app's base URL (https).</summary>
    public string? BaseUrl { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The four kinds of app the gate knows (the catalogue's types, <see cref="Gatehouse.Analysis.Requirements.AppTypes"/>).</summary>
internal static class AppTypes
{
    public const string WebIntegration = Gatehouse.Analysis.Requirements.AppTypes.WebIntegration;
    public const string Downloadable = Gatehouse.Analysis.Requirements.AppTypes.Downloadable;
    public const string Container = Gatehouse.Analysis.Requirements.AppTypes.Container;
    public const string HelmChart = Gatehouse.Analysis.Requirements.AppTypes.HelmChart;
    public static IReadOnlyList<string> All => Gatehouse.Analysis.Requirements.AppTypes.All;

    /// <summary>The engine's artifact type for an app type (<c>gatehouse check --type</c>).</summary>
    public static string EngineType(string appType) => appType switch
    {
        WebIntegration => "web",
        Container => "container",
        HelmChart => "chart",
        _ => "downloadable",
    };
}

/// <summary>
/// One submitted version of an app and where it stands in the lifecycle (<see cref="VersionStates"/>).
/// Everything it was judged by is recorded on it: questionnaire and catalogue versions, policy version, scan.
/// </summary>
public sealed class AppVersion
{
    public Guid Id { get; set; }
    public Guid AppId { get; set; }
    public Guid OrganizationId { get; set; }
    public required string Version { get; set; }
    public required string State { get; set; }
    /// <summary>Bumped by every transition; a concurrency token, so two racing transitions cannot both win.</summary>
    public int Revision { get; set; }

    // ---- what was submitted
    public string? ArtifactDigest { get; set; }
    public string? ArtifactName { get; set; }
    /// <summary>The artifact's media type as the engine verified it (read from the scan report on first download).</summary>
    public string? ArtifactContentType { get; set; }
    public long ArtifactSize { get; set; }
    /// <summary>The vendor's own CycloneDX SBOM of the artifact (blob digest), compared with what the scan finds; null without one.</summary>
    public string? VendorSbomDigest { get; set; }
    /// <summary>Instead of an artifact: a reference (web integration base URL, image reference).</summary>
    public string? Reference { get; set; }
    /// <summary>
    /// Container images submitted by reference (<see cref="Reference"/>): the vendor's registry credential used to pull it
    /// (<see cref="Images.RegistryCredential"/>), or null for an anonymous pull.
    /// </summary>
    public Guid? RegistryCredentialId { get; set; }
    /// <summary>
    /// Container images: the manifest digest of the image the version is (<c>sha256:…</c>), recorded when the image was
    /// pulled or first scanned; the version is that image, whatever its tag points at later.
    /// </summary>
    public string? ImageManifestDigest { get; set; }
    /// <summary>Container images: the vendor's smoke-test declaration (JSON of <see cref="Gatehouse.Analysis.Images.Smoke.SmokeSpec"/>), or null for the default check.</summary>
    public string? SmokeSpecJson { get; set; }
    /// <summary>Web integrations: declared endpoints (JSON array of paths or same-host https URLs) the probe checks for authentication.</summary>
    public string? EndpointsJson { get; set; }
    public int? QuestionnaireVersion { get; set; }
    /// <summary>The answers as given, JSON object <c>{questionId: answer}</c>.</summary>
    public string? AnswersJson { get; set; }
    /// <summary><c>info</c>, <c>warn</c> or <c>fail</c>.</summary>
    public string? QuestionnaireResult { get; set; }
    /// <summary>The scored items, JSON.</summary>
    public string? QuestionnaireScoreJson { get; set; }
    public string? AttestedBy { get; set; }
    /// <summary>The named person who attests (full name and role).</summary>
    public string? AttestationName { get; set; }
    public string? AttestationSha256 { get; set; }
    public DateTimeOffset? AttestedAt { get; set; }

    // ---- what it was judged by
    public string? CatalogVersion { get; set; }
    public int? PolicyVersion { get; set; }
    public string? AgreementVersions { get; set; }

    // ---- scanning
    public Guid? CurrentScanId { get; set; }
    /// <summary>Scans of this version that ended incomplete in a row (retried with back-off).</summary>
    public int IncompleteScans { get; set; }
    public DateTimeOffset? NextScanAttemptAt { get; set; }
    public DateTimeOffset? LastScannedAt { get; set; }
    public DateTimeOffset? NextRescanAt { get; set; }
    /// <summary>Published web integrations: when the endpoint probe runs next (daily).</summary>
    public DateTimeOffset? NextProbeAt { get; set; }

    // ---- review
    public DateTimeOffset? SubmittedAt { get; set; }
    public string? SubmittedBy { get; set; }
    public DateTimeOffset? SlaDueAt { get; set; }
    /// <summary>Higher first in the queue (from the tier).</summary>
    public int Priority { get; set; }
    public string? AssignedReviewerId { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }

    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// Every state change of a version, with who, when, why: structured reason codes (requirement and
/// rule IDs) and free text. Review decisions are transitions too.
/// </summary>
public sealed class VersionTransition
{
    public long Id { get; set; }
    public Guid AppVersionId { get; set; }
    public Guid AppId { get; set; }
    public Guid OrganizationId { get; set; }
    public required string From { get; set; }
    public required string To { get; set; }
    /// <summary>The action that caused it (<c>submit</c>, <c>approve</c>, <c>scan-completed</c>, …).</summary>
    public required string Action { get; set; }
    /// <summary>JSON array of reason codes.</summary>
    public required string ReasonCodes { get; set; }
    public string? Text { get; set; }
    public required string Actor { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>
/// A vendor asks that one finding (by fingerprint) stop counting for an app; a reviewer approves it with
/// an expiry. It holds across rescans (same fingerprint) until it expires.
/// </summary>
public sealed class Suppression
{
    public Guid Id { get; set; }
    public Guid AppId { get; set; }
    public Guid OrganizationId { get; set; }
    public required string Fingerprint { get; set; }
    public required string RuleId { get; set; }
    public required string Path { get; set; }
    public required string Justification { get; set; }
    /// <summary><c>requested</c>, <c>approved</c>, <c>rejected</c> or <c>revoked</c>.</summary>
    public required string State { get; set; }
    public required string RequestedBy { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecisionNote { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
}
