using System.Security.Cryptography;
using System.Text;
using Gatehouse.Analysis.Signing;
using Gatehouse.Analysis.Signing.Provenance;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;

namespace Gatehouse.Fuzz;

/// <summary>
/// The one signing key of the signing harnesses, the same in every process: afl-fuzz's child, the process that writes the
/// seeds (<c>--seeds</c>) and the tests must agree on it, or a seed's signature would not verify in the child and the
/// fuzzer would never get past the signature check. Its private scalar is a hash of a fixed text (a throw-away key, never
/// a secret); the OpenPGP face (<see cref="OpenPgpKey"/> for the keyring, BouncyCastle for signing bodies the fuzzer made)
/// is the same P-256 key with a fixed creation time, so both have the same key id.
/// </summary>
internal static class SigningKeys
{
    /// <summary>The OpenPGP key's creation time (fixed: the fingerprint depends on it).</summary>
    public static readonly DateTimeOffset Created = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static readonly byte[] D = SHA256.HashData("gatehouse fuzz signing key (public, for fuzzing only)"u8);

    private static readonly Lazy<EcdsaP256Signer> LazySigner = new(() => FromScalar(D));

    private static readonly Lazy<EcdsaP256Signer> LazyOther = new(() => FromScalar(SHA256.HashData("gatehouse fuzz: another key"u8)));

    private static readonly Lazy<PgpPublicKeyRingBundle> LazyKeyring = new(() =>
        HelmProvenance.ReadPublicKeyring(OpenPgpKey.PublicKeyring(Signer, Created, "Gatehouse Fuzz <fuzz@gatehouse.test>")));

    private static readonly Lazy<PgpPrivateKey> LazyPgpPrivate = new(() =>
    {
        var curve = SecNamedCurves.GetByName("secp256r1");
        var d = new BigInteger(1, D);
        var pub = new ECPublicKeyParameters("ECDSA", curve.G.Multiply(d).Normalize(), SecObjectIdentifiers.SecP256r1);
        var priv = new ECPrivateKeyParameters("ECDSA", d, SecObjectIdentifiers.SecP256r1);
        var pair = new PgpKeyPair(PublicKeyAlgorithmTag.ECDsa, new AsymmetricCipherKeyPair(pub, priv), Created.UtcDateTime);
        return pair.PrivateKey;
    });

    /// <summary>The ECDSA P-256 signer (DSSE, tickets, bundles, cosign payloads, the .prov of <see cref="OpenPgpKey"/>).</summary>
    public static EcdsaP256Signer Signer => LazySigner.Value;

    /// <summary>A second fixed key (a JWKS seed lists it as retired).</summary>
    public static EcdsaP256Signer Other => LazyOther.Value;

    /// <summary>Its public key.</summary>
    public static PublicKey Key => Signer.PublicKey;

    /// <summary>Its OpenPGP public keyring, as <see cref="HelmProvenance.ReadPublicKeyring"/> reads it.</summary>
    public static PgpPublicKeyRingBundle Keyring => LazyKeyring.Value;

    /// <summary>The keyring's bytes (what a vendor uploads).</summary>
    public static byte[] KeyringBytes => OpenPgpKey.PublicKeyring(Signer, Created, "Gatehouse Fuzz <fuzz@gatehouse.test>");

    /// <summary>
    /// A .prov over any body (the fuzzer's): the body's lines clear-signed with SHA-512 by the same key, as
    /// <see cref="HelmProvenance.Create"/> signs them, so the mutated body gets past the signature to the YAML reader.
    /// </summary>
    public static string ClearSign(string body)
    {
        var lines = HelmProvenance.BodyLines(body);
        var generator = new PgpSignatureGenerator(PublicKeyAlgorithmTag.ECDsa, HashAlgorithmTag.Sha512);
        generator.InitSign(PgpSignature.CanonicalTextDocument, LazyPgpPrivate.Value);
        var subpackets = new PgpSignatureSubpacketGenerator();
        subpackets.SetIssuerKeyID(false, LazyPgpPrivate.Value.KeyId);
        generator.SetHashedSubpackets(subpackets.Generate());
        generator.Update(Encoding.UTF8.GetBytes(HelmProvenance.Canonical(lines)));
        return HelmProvenance.ClearSigned(lines, generator.Generate().GetEncoded());
    }

    // The P-256 key with private scalar d; Q = d·G computed here (each coordinate 32 big-endian bytes).
    private static EcdsaP256Signer FromScalar(byte[] d)
    {
        var q = SecNamedCurves.GetByName("secp256r1").G.Multiply(new BigInteger(1, d)).Normalize();
        using var ec = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = d,
            Q = new System.Security.Cryptography.ECPoint { X = q.AffineXCoord.GetEncoded(), Y = q.AffineYCoord.GetEncoded() },
        });
        return EcdsaP256Signer.FromPem(ec.ExportPkcs8PrivateKeyPem());
    }
}
