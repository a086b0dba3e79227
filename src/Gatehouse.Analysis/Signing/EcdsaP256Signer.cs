using System.Security.Cryptography;

namespace Gatehouse.Analysis.Signing;

/// <summary>
/// An <see cref="ISigner"/> holding an ECDSA P-256 private key in process memory. Signatures are DER
/// (Rfc3279DerSequence) because cosign, Sigstore and <c>openssl dgst -verify</c> expect DER, not .NET's P1363 default.
/// </summary>
public sealed class EcdsaP256Signer : ISigner, IDisposable
{
    /// <summary>Private-key PEM input is refused beyond this size.</summary>
    public const int MaxPemChars = 8192;

    private readonly ECDsa _key;

    private EcdsaP256Signer(ECDsa key)
    {
        _key = key;
        PublicKey = PublicKey.FromEcdsa(key);
    }

    /// <inheritdoc />
    public string KeyId => PublicKey.KeyId;

    /// <inheritdoc />
    public SigningAlgorithm Algorithm => SigningAlgorithm.EcdsaP256Sha256;

    /// <inheritdoc />
    public PublicKey PublicKey { get; }

    /// <summary>Creates a fresh random P-256 key.</summary>
    public static EcdsaP256Signer Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Reads an unencrypted <c>PRIVATE KEY</c> (PKCS#8) or <c>EC PRIVATE KEY</c> (SEC1) PEM holding a P-256 key.</summary>
    public static EcdsaP256Signer FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (pem.Length > MaxPemChars) throw new SigningFormatException("signing.bad-pem", "private key PEM too large");
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            return new EcdsaP256Signer(key);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException or PlatformNotSupportedException or SigningFormatException)
        {
            key.Dispose();
            throw e as SigningFormatException ?? new SigningFormatException("signing.bad-pem", "not a P-256 private key PEM: " + e.Message);
        }
    }

    /// <summary>The private key as an unencrypted PKCS#8 PEM (<c>-----BEGIN PRIVATE KEY-----</c>); for tests and key import.</summary>
    public string ExportPkcs8Pem() => _key.ExportPkcs8PrivateKeyPem() + "\n";

    /// <inheritdoc />
    public byte[] Sign(ReadOnlySpan<byte> data) => _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    /// <inheritdoc />
    public byte[] SignDigest(ReadOnlySpan<byte> sha256)
    {
        if (sha256.Length != 32) throw new ArgumentException("a SHA-256 digest is 32 bytes", nameof(sha256));
        return _key.SignHash(sha256, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();
}
