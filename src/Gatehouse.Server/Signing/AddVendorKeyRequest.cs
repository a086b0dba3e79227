namespace Gatehouse.Server.Signing;

/// <summary>Registers a vendor key: a label and the ECDSA P-256 public key as PEM (<c>-----BEGIN PUBLIC KEY-----</c>).</summary>
public sealed record AddVendorKeyRequest(string? Name, string? PublicKeyPem);
