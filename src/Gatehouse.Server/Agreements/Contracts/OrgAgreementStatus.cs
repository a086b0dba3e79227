namespace Gatehouse.Server.Agreements;

/// <param name="PendingVersion">The version the organisation must accept before its next submission, or null.</param>
/// <param name="LastAcceptedVersion">The newest version anyone of the organisation accepted, or null.</param>
public sealed record OrgAgreementStatus(
    Guid OrganizationId, int? CurrentVersion, string? CurrentTitle, string? CurrentSha256, bool Accepted,
    string? AcceptedBy, string? AcceptedByEmail, DateTimeOffset? AcceptedAt, int? PendingVersion, int? LastAcceptedVersion,
    IReadOnlyList<AcceptanceInfo> Acceptances);
