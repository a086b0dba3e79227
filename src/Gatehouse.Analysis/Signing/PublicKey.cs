using System.Security.Cryptography;
using System.Text;

namespace Gatehouse.Analysis.Signing;

/// <summary>
/// An ECDSA P-256 public key, exported as PEM SubjectPublicKeyInfo (what cosign, openssl and Sigstore read) and as a
/// JWK; its <see cref="KeyId"/> is the RFC 7638 JWK thumbprint (SHA-256, base64url), stable across formats.
/// </summary>
public sealed class PublicKey
{
    /// <summary>PEM input is refused beyond this size: a P-256 SPKI PEM is about 180 bytes.</summary>
    public const int MaxPemChars = 4096;

    private readonly byte[] _spki;
    private readonly byte[] _x;
    private readonly byte[] _y;

    private PublicKey(byte[] spki, byte[] x, byte[] y)
    {
        _spki = spki;
        _x = x;
        _y = y;
        KeyId = Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(ThumbprintInput())));
    }

    /// <summary>RFC 7638 JWK thumbprint (SHA-256 of the canonical JWK members, base64url, no padding).</summary>
    public string KeyId { get; }

    /// <summary>The DER SubjectPublicKeyInfo.</summary>
    public ReadOnlySpan<byte> SubjectPublicKeyInfo => _spki;

    /// <summary>Builds the public key of an ECDSA key (which must be on P-256).</summary>
    public static PublicKey FromEcdsa(ECDsa key)
    {
        var p = key.ExportParameters(false);
        if (p.Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            throw new SigningFormatException("signing.unsupported-curve", "only ECDSA P-256 keys are supported");
        return new PublicKey(key.ExportSubjectPublicKeyInfo(), p.Q.X!, p.Q.Y!);
    }

    /// <summary>Reads a <c>-----BEGIN PUBLIC KEY-----</c> PEM (SPKI) holding a P-256 key.</summary>
    public static PublicKey FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (pem.Length > MaxPemChars) throw new SigningFormatException("signing.bad-pem", "public key PEM too large");
        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] is not "PUBLIC KEY")
            throw new SigningFormatException("signing.bad-pem", "no PUBLIC KEY PEM block");
        var der = Convert.FromBase64String(pem[fields.Base64Data].ToString());
        return FromSubjectPublicKeyInfo(der);
    }

    /// <summary>Reads a DER SubjectPublicKeyInfo holding a P-256 key.</summary>
    public static PublicKey FromSubjectPublicKeyInfo(ReadOnlySpan<byte> der)
    {
        using var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(der, out var read);
            if (read != der.Length) throw new SigningFormatException("signing.bad-key", "trailing bytes after the public key");
        }
        // PlatformNotSupportedException: a named curve OpenSSL does not know (found by the verification-keys fuzzer,
        // docs/fuzzing.md); it is no P-256 key either.
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException)
        {
            throw new SigningFormatException("signing.bad-key", "not an EC public key: " + e.Message);
        }
        return FromEcdsa(key);
    }

    /// <summary>PEM SubjectPublicKeyInfo (<c>-----BEGIN PUBLIC KEY-----</c>), as <c>cosign verify --key</c> and openssl read it.</summary>
    public string ToPem() => PemEncoding.WriteString("PUBLIC KEY", _spki) + "\n";

    /// <summary>The key as a JWK (RFC 7517) with <c>kid</c>, <c>use: sig</c> and <c>alg: ES256</c>, for a JWKS.</summary>
    public string ToJwk() =>
        $"{{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"{Base64Url(_x)}\",\"y\":\"{Base64Url(_y)}\",\"kid\":\"{KeyId}\",\"use\":\"sig\",\"alg\":\"ES256\"}}";

    /// <summary>Verifies a DER (or, as sigstore-go also accepts, IEEE P1363) ECDSA signature over SHA-256 of <paramref name="data"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length is 0 or > 256) return false;
        using var key = ToEcdsa();
        return key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
               || (signature.Length == 64 && key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    /// <summary>Verifies a signature over an already computed SHA-256 <paramref name="digest"/>.</summary>
    public bool VerifyDigest(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        if (digest.Length != 32 || signature.Length is 0 or > 256) return false;
        using var key = ToEcdsa();
        return key.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence);
    }

    private ECDsa ToEcdsa()
    {
        var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(_spki, out _);
        return key;
    }

    // RFC 7638 §3.2: the required members in lexicographic order, no whitespace.
    private string ThumbprintInput() => $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{Base64Url(_x)}\",\"y\":\"{Base64Url(_y)}\"}}";

    internal static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
