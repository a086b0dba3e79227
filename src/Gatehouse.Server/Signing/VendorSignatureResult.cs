namespace Gatehouse.Server.Signing;

/// <summary>
/// The outcome of checking a vendor's bundle (<see cref="VendorSignatureVerifier"/>): <see cref="Status"/> is
/// <c>valid</c> or the stable code of why not; <see cref="KeyId"/> the registered key that verified it (or the revoked
/// key that did).
/// </summary>
internal sealed record VendorSignatureResult(string Status, string? KeyId, string Message)
{
    public bool Valid => Status == VendorSignatureVerifier.Valid;
}
