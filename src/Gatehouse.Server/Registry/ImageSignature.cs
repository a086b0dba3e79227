namespace Gatehouse.Server.Registry;

/// <summary>A cosign simple-signing payload (the exact bytes signed) and its base64 DER signature.</summary>
internal sealed record ImageSignature(byte[] Payload, string Signature);
