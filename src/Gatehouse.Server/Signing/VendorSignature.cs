namespace Gatehouse.Server.Signing;

/// <summary>
/// The vendor's signature submitted with a version (table <c>vendor_signatures</c>, one per version): the Sigstore bundle
/// as uploaded, and the outcome of verifying it against the organisation's registered keys and the version's artifact digest.
/// </summary>
internal sealed class VendorSignature
{
    public Guid VersionId { get; set; }
    public required byte[] Bundle { get; set; }
    /// <summary>The vendor key that verified it; null when none did.</summary>
    public string? KeyId { get; set; }
    /// <summary><c>sha256:&lt;hex&gt;</c> the bundle was checked against.</summary>
    public string? ArtifactDigest { get; set; }
    /// <summary><c>valid</c>, or the stable code of why not (<c>signing.unknown-key</c>, <c>signing.bad-signature</c>, ...).</summary>
    public required string Status { get; set; }
    public DateTimeOffset CheckedAt { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
    public required string UploadedBy { get; set; }
}
