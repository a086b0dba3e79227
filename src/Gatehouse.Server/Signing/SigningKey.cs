namespace Gatehouse.Server.Signing;

/// <summary>
/// A platform signing key (table <c>signing_keys</c>): an ECDSA P-256 key whose id is the RFC 7638 thumbprint of its public
/// key. The private key is stored encrypted with the data-protection keys (<see cref="ProtectedPrivateKey"/>), or not at all
/// when a KMS or HSM holds it (<see cref="Provider"/>). The newest key that is neither superseded nor retired signs; a
/// superseded key is still published (old signatures keep verifying), a retired one is published as retired and verifies
/// nothing from then on.
/// </summary>
internal sealed class SigningKey
{
    /// <summary>The key id: RFC 7638 JWK thumbprint (base64url SHA-256), as <c>kid</c> in the JWKS and the bundles' key hint.</summary>
    public required string Id { get; set; }
    /// <summary><c>ES256</c> (ECDSA P-256, SHA-256).</summary>
    public required string Algorithm { get; set; }
    /// <summary>The public key, PEM SubjectPublicKeyInfo.</summary>
    public required string PublicKeyPem { get; set; }
    /// <summary>The PKCS#8 private key PEM, encrypted by data protection; null when <see cref="Provider"/> is not <c>software</c>.</summary>
    public string? ProtectedPrivateKey { get; set; }
    /// <summary>Who holds the private key: <c>software</c> (this database, encrypted) or the name of an external signer provider.</summary>
    public required string Provider { get; set; }
    /// <summary>The external provider's handle of the key (a KMS key ARN, a PKCS#11 URI); null for <c>software</c>.</summary>
    public string? ProviderKeyRef { get; set; }
    /// <summary>Also the OpenPGP key's creation time (the OpenPGP fingerprint depends on it, so it never changes).</summary>
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    /// <summary>When a newer key took over signing (rotation); the key is still published and its signatures still verify.</summary>
    public DateTimeOffset? SupersededAt { get; set; }
    /// <summary>When the key was retired: published as retired, and signatures by it are refused from then on.</summary>
    public DateTimeOffset? RetiredAt { get; set; }
    public string? RetiredBy { get; set; }
}
