namespace Gatehouse.Server.Signing;

/// <summary>
/// The vendor signature of a version (<c>GET|PUT /api/apps/{app}/versions/{version}/signature</c>): <see cref="Status"/> is
/// <c>valid</c> or the stable code of why it no longer verifies (re-checked at submission); the key that verified it.
/// </summary>
public sealed record VendorSignatureInfo(string App, string Version, string Status, string Description, string? KeyId, string? KeyName,
    string? ArtifactDigest, DateTimeOffset CheckedAt, DateTimeOffset UploadedAt, string UploadedBy);
