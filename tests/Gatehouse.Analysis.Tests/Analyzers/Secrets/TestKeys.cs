using System.Security.Cryptography;
using System.Text;
using Gatehouse.Analysis.Analyzers.Secrets;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Utilities;
using Org.BouncyCastle.Security;

namespace Gatehouse.Analysis.Tests.Analyzers.Secrets;

/// <summary>
/// Real private keys and checksum-valid tokens, generated when a test first asks (never committed):
/// the rules parse keys and check checksums, so fake bodies no longer count. Each key is made once per
/// test run (RSA-2048 once; the other keys are cheap).
/// </summary>
internal static class TestKeys
{
    private static readonly Lazy<RSA> Rsa = new(() => RSA.Create(2048));
    private static readonly Lazy<string> PgpArmored = new(MakePgp);
    private static readonly Lazy<string> OpenSshEd25519 = new(MakeOpenSsh);
    private static readonly Lazy<string> DsaPem = new(MakeDsa);

    /// <summary>PKCS#1 <c>RSA PRIVATE KEY</c>.</summary>
    public static string RsaPkcs1 => Rsa.Value.ExportRSAPrivateKeyPem();

    /// <summary>PKCS#8 <c>PRIVATE KEY</c> (RSA).</summary>
    public static string RsaPkcs8 => Rsa.Value.ExportPkcs8PrivateKeyPem();

    /// <summary>Encrypted PKCS#8 <c>ENCRYPTED PRIVATE KEY</c> (AES-256-CBC, PBKDF2).</summary>
    public static string RsaEncryptedPkcs8 =>
        Rsa.Value.ExportEncryptedPkcs8PrivateKeyPem("correct horse".AsSpan(), new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000));

    /// <summary>SEC 1 <c>EC PRIVATE KEY</c> on P-256.</summary>
    public static string Ec
    {
        get
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return ec.ExportECPrivateKeyPem();
        }
    }

    /// <summary>An unencrypted Ed25519 key in the OpenSSH format (<c>openssh-key-v1</c>).</summary>
    public static string OpenSsh => OpenSshEd25519.Value;

    /// <summary>An armored PGP secret key (RSA-1024, unprotected).</summary>
    public static string Pgp => PgpArmored.Value;

    /// <summary>A traditional <c>DSA PRIVATE KEY</c> (OpenSSL's layout: version, p, q, g, y, x).</summary>
    public static string Dsa => DsaPem.Value;

    /// <summary>
    /// OpenSSL's traditional encrypted PEM (<c>Proc-Type: 4,ENCRYPTED</c>): ciphertext we cannot decrypt, so
    /// the rule checks its shape. 1200 bytes (75 AES blocks) stand in for an encrypted RSA-2048 key.
    /// </summary>
    public static string LegacyEncrypted =>
        Pem("RSA PRIVATE KEY", RandomNumberGenerator.GetBytes(1200), 64)
            .Replace("KEY-----\n", "KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC," + Fake.HexOf(32, "iv").ToUpperInvariant() + "\n\n", StringComparison.Ordinal);

    /// <summary>The base64 lines between the BEGIN and END lines (what the rule hashes into the fingerprint).</summary>
    public static string Body(string pem)
    {
        var lines = pem.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)).ToList();
        return string.Join("\n", lines.SkipWhile(l => l.Contains(':', StringComparison.Ordinal)));
    }

    /// <summary>The PEM cut after its first few body lines, END line kept: what documentation shows.</summary>
    public static string Truncated(string pem)
    {
        var lines = pem.Split('\n');
        return string.Join("\n", lines.Take(3).Append("...").Append(lines.Last(l => l.StartsWith("-----END", StringComparison.Ordinal))));
    }

    /// <summary>A GitHub/npm-format token with a valid CRC-32: <paramref name="prefix"/>, 30 characters, 6 checksum characters.</summary>
    public static string Crc32Token(string prefix, string seed)
    {
        var entropy = Fake.Al(30, seed);
        return prefix + entropy + TokenChecksums.Base62(GatehouseApiKeyFormat.Crc32(Encoding.ASCII.GetBytes(entropy)), 6);
    }

    /// <summary>The same token with one entropy character changed: the checksum no longer matches.</summary>
    public static string WithTypo(string token)
    {
        var i = token.Length - 10;
        return token[..i] + (token[i] == 'a' ? 'b' : 'a') + token[(i + 1)..];
    }

    /// <summary>A PyPI token: <c>pypi-</c> and a base64url v2 macaroon for pypi.org with one caveat and a signature.</summary>
    public static string PyPi(string seed)
    {
        var m = new List<byte> { 2 };
        void Field(byte type, byte[] data)
        {
            m.Add(type);
            m.Add((byte)data.Length);
            m.AddRange(data);
        }

        Field(1, "pypi.org"u8.ToArray());
        Field(2, Encoding.ASCII.GetBytes("{\"nonce\": \"" + Fake.HexOf(32, seed) + "\", \"version\": 1}"));
        m.Add(0);
        Field(2, Encoding.ASCII.GetBytes("{\"version\": 1, \"permissions\": \"user\"}"));
        m.Add(0);
        m.Add(0);
        Field(6, SHA256.HashData(Encoding.UTF8.GetBytes(seed)));
        return "pypi-" + Convert.ToBase64String(m.ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static string MakeOpenSsh()
    {
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var blob = OpenSshPrivateKeyUtilities.EncodePrivateKey(generator.GenerateKeyPair().Private);
        return Pem("OPENSSH PRIVATE KEY", blob, 70);
    }

    private static string MakePgp()
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(Org.BouncyCastle.Math.BigInteger.ValueOf(65537), new SecureRandom(), 1024, 25));
        var pair = generator.GenerateKeyPair();
        var key = new PgpSecretKey(PgpSignature.DefaultCertification, PublicKeyAlgorithmTag.RsaGeneral, pair.Public, pair.Private,
            new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), "Test <test@example.org>", SymmetricKeyAlgorithmTag.Null, null, null, null, new SecureRandom());
        using var ms = new MemoryStream();
        using (var armor = new ArmoredOutputStream(ms))
        {
            key.Encode(armor);
        }

        return Encoding.ASCII.GetString(ms.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private static string MakeDsa()
    {
        using var dsa = DSA.Create(1024);
        var p = dsa.ExportParameters(includePrivateParameters: true);
        static DerInteger I(byte[] b) => new(new Org.BouncyCastle.Math.BigInteger(1, b));
        var der = new DerSequence(DerInteger.ValueOf(0), I(p.P!), I(p.Q!), I(p.G!), I(p.Y!), I(p.X!)).GetEncoded();
        return Pem("DSA PRIVATE KEY", der, 64);
    }

    private static string Pem(string label, byte[] der, int width)
    {
        var b64 = Convert.ToBase64String(der);
        var lines = Enumerable.Range(0, (b64.Length + width - 1) / width).Select(i => b64.Substring(i * width, Math.Min(width, b64.Length - i * width)));
        return "-----BEGIN " + label + "-----\n" + string.Join("\n", lines) + "\n-----END " + label + "-----";
    }
}
