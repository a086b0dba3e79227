namespace Gatehouse.Analysis.Signing;

/// <summary>
/// Something that signs bytes with a private key it may keep to itself (in process, a KMS, a PKCS#11 HSM):
/// callers see only the key id, the algorithm and the public key.
/// </summary>
public interface ISigner
{
    /// <summary>Stable id of the key (for <see cref="EcdsaP256Signer"/> the RFC 7638 JWK thumbprint, base64url).</summary>
    string KeyId { get; }

    /// <summary>The signature algorithm; today only <see cref="SigningAlgorithm.EcdsaP256Sha256"/>.</summary>
    SigningAlgorithm Algorithm { get; }

    /// <summary>The public key that verifies this signer's signatures.</summary>
    PublicKey PublicKey { get; }

    /// <summary>Signs <paramref name="data"/> (hashing it with SHA-256); returns an ASN.1 DER ECDSA signature.</summary>
    byte[] Sign(ReadOnlySpan<byte> data);

    /// <summary>
    /// Signs an already computed SHA-256 digest (32 bytes); the same signature as <see cref="Sign"/> over the message.
    /// Large files are hashed once while streaming, and KMS and PKCS#11 keys sign digests natively.
    /// </summary>
    byte[] SignDigest(ReadOnlySpan<byte> sha256);
}

/// <summary>Signature algorithms a Gatehouse signer can use.</summary>
public enum SigningAlgorithm
{
    /// <summary>ECDSA on NIST P-256 over SHA-256, DER-encoded signatures (cosign's and Sigstore's default).</summary>
    EcdsaP256Sha256,
}

/// <summary>Thrown when signing material is malformed (bad PEM, JSON, base64, sizes); <see cref="Code"/> is stable.</summary>
public sealed class SigningFormatException(string code, string message) : FormatException(message)
{
    /// <summary>Stable error code such as <c>signing.bad-pem</c>.</summary>
    public string Code { get; } = code;
}
