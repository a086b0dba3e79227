using System.Diagnostics;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace Gatehouse.Analysis.Tests.Signing.Provenance;

/// <summary>Throw-away OpenPGP keys made with BouncyCastle, a temporary GNUPGHOME, and a runner for gpg and helm.</summary>
public sealed class ProvenanceKeys
{
    /// <summary>
    /// A new signing key (ECDSA P-256, the platform keys' curve, or RSA-2048) with a SHA-256 self-signature, unprotected
    /// (tests only). P-256 is the default because it is fast to make; RSA is what most vendors' gpg keys still are.
    /// </summary>
    public static (PgpSecretKey Secret, byte[] PublicRing) Generate(string userId, DateTime created, bool rsa = false)
    {
        PgpKeyPair pair;
        if (rsa)
        {
            var generator = new RsaKeyPairGenerator();
            generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(0x10001), new SecureRandom(), 2048, 80));
            pair = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, generator.GenerateKeyPair(), created);
        }
        else
        {
            var generator = new ECKeyPairGenerator("ECDSA");
            generator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, new SecureRandom()));
            pair = new PgpKeyPair(PublicKeyAlgorithmTag.ECDsa, generator.GenerateKeyPair(), created);
        }
        var hashed = new PgpSignatureSubpacketGenerator();
        hashed.SetKeyFlags(false, PgpKeyFlags.CanCertify | PgpKeyFlags.CanSign);
        hashed.SetPreferredHashAlgorithms(false, [(int)HashAlgorithmTag.Sha512, (int)HashAlgorithmTag.Sha256]);
        var ring = new PgpKeyRingGenerator(PgpSignature.PositiveCertification, pair, userId, SymmetricKeyAlgorithmTag.Null,
            HashAlgorithmTag.Sha256, Array.Empty<char>(), false, hashed.Generate(), null, new SecureRandom());
        var secretRing = ring.GenerateSecretKeyRing();
        return (secretRing.GetSecretKey(), ring.GeneratePublicKeyRing().GetEncoded());
    }
}

/// <summary>A temporary directory with its own GNUPGHOME; the gpg-agent it may start is killed on dispose.</summary>
public sealed class GpgHome : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("gh-prov-").FullName;
    public string Home => Path.Combine(Dir, "gnupg");

    public GpgHome()
    {
        Directory.CreateDirectory(Home);
        File.SetUnixFileMode(Home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public (int Exit, string Out, string Err) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Dir };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["GNUPGHOME"] = Home;
        start.Environment["HOME"] = Dir;
        start.Environment["HELM_CACHE_HOME"] = Path.Combine(Dir, "helm-cache");
        start.Environment["HELM_CONFIG_HOME"] = Path.Combine(Dir, "helm-config");
        start.Environment["HELM_DATA_HOME"] = Path.Combine(Dir, "helm-data");
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException($"{file} {string.Join(' ', args)} timed out"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public (int Exit, string Out, string Err) Gpg(params string[] args) => Run("gpg", ["--batch", "--no-tty", .. args]);

    public void Dispose()
    {
        try { Run("gpgconf", "--kill", "gpg-agent"); } catch (System.ComponentModel.Win32Exception) { }
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}
