namespace Gatehouse.Server.Apps;

public sealed record VersionInfo(
    Guid Id, string App, string Version, string State, string? ArtifactDigest, string? ArtifactName, long ArtifactSize, string? Reference,
    int? QuestionnaireVersion, string? QuestionnaireResult, string? AttestationName, DateTimeOffset? AttestedAt,
    string? CatalogVersion, int? PolicyVersion, Guid? CurrentScanId, int IncompleteScans, DateTimeOffset? NextScanAttemptAt,
    DateTimeOffset? SubmittedAt, DateTimeOffset? SlaDueAt, string? AssignedReviewerId, DateTimeOffset? DecidedAt,
    DateTimeOffset? PublishedAt, DateTimeOffset? LastScannedAt, DateTimeOffset? NextRescanAt, DateTimeOffset CreatedAt,
    IReadOnlyList<string>? Endpoints = null, DateTimeOffset? NextProbeAt = null,
    string? ImageManifestDigest = null, Guid? RegistryCredentialId = null, Gatehouse.Analysis.Images.Smoke.SmokeSpec? SmokeTest = null)
{
    public static VersionInfo From(App a, AppVersion v) => new(v.Id, a.Slug, v.Version, v.State, v.ArtifactDigest, v.ArtifactName, v.ArtifactSize,
        v.Reference, v.QuestionnaireVersion, v.QuestionnaireResult, v.AttestationName, v.AttestedAt, v.CatalogVersion, v.PolicyVersion,
        v.CurrentScanId, v.IncompleteScans, v.NextScanAttemptAt, v.SubmittedAt, v.SlaDueAt, v.AssignedReviewerId, v.DecidedAt,
        v.PublishedAt, v.LastScannedAt, v.NextRescanAt, v.CreatedAt, v.EndpointsJson is null ? null : Scanning.Probes.ProbeEndpoints.Parse(v.EndpointsJson), v.NextProbeAt,
        v.ImageManifestDigest, v.RegistryCredentialId, ContainerVersions.SmokeSpec(v.SmokeSpecJson));
}
