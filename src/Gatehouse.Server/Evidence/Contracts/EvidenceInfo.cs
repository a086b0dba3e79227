namespace Gatehouse.Server.Evidence;

/// <param name="Note">The reviewer's note; for <c>blocked</c> items, why the file check blocked it.</param>
public sealed record EvidenceInfo(
    Guid Id, Guid OrganizationId, string Type, string Issuer, string Scope, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil,
    string Validity, string Status, string FileName, long Size, string Digest, Guid? ScanId, string UploadedBy, DateTimeOffset UploadedAt,
    string? ReviewedBy, DateTimeOffset? ReviewedAt, string? Note, DateTimeOffset? ExpiryWarnedAt, DateTimeOffset? ExpiredNotifiedAt)
{
    public static EvidenceInfo From(EvidenceItem e, DateTimeOffset now, int warningDays) => new(
        e.Id, e.OrganizationId, e.Type, e.Issuer, e.Scope, e.ValidFrom, e.ValidUntil, EvidenceValidity.Of(e, now, warningDays), e.Status,
        e.FileName, e.Size, e.BlobDigest, e.ScanId, e.UploadedBy, e.UploadedAt, e.ReviewedBy, e.ReviewedAt, e.ReviewNote,
        e.ExpiryWarnedAt, e.ExpiredNotifiedAt);
}
