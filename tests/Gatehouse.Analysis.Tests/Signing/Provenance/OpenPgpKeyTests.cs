using System.Text;
using Gatehouse.Analysis.Signing;
using Gatehouse.Analysis.Signing.Provenance;
using Gatehouse.Analysis.Tests.Support;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Gatehouse.Analysis.Tests.Signing.Provenance;

/// <summary>
/// OpenPGP keys and .prov files made from a plain <see cref="ISigner"/> (no private key in BouncyCastle), checked by
/// BouncyCastle, gpg and the real helm.
/// </summary>
public sealed class OpenPgpKeyTests
{
    const string UserId = "Gatehouse Test <signing@gatehouse.test>";
    static readonly DateTimeOffset Created = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    static readonly DateTimeOffset SignedAt = Created.AddDays(3);
    const string ChartYaml = "apiVersion: v2\nname: demo\ndescription: A Helm chart\n---not-a-separator: x\ntype: application\nversion: 0.1.0\n";
    static readonly byte[] Tgz = Encoding.ASCII.GetBytes("not really a tgz, only bytes to digest");

    static void Ok((int Exit, string Out, string Err) r) => Assert.True(r.Exit == 0, r.Out + r.Err);

    [Fact]
    public void The_keyring_is_a_self_certified_P256_key_whose_fingerprint_depends_only_on_key_and_time()
    {
        using var signer = EcdsaP256Signer.Generate();
        var ring = HelmProvenance.ReadPublicKeyring(OpenPgpKey.PublicKeyring(signer, Created, UserId));
        var key = Assert.Single(ring.GetKeyRings().Cast<PgpPublicKeyRing>()).GetPublicKey();

        var fingerprint = OpenPgpKey.Fingerprint(signer, Created);
        Assert.Matches("^[0-9A-F]{40}$", fingerprint);
        Assert.Equal(fingerprint, Convert.ToHexString(key.GetFingerprint()));
        Assert.Equal(fingerprint[24..], key.KeyId.ToString("X16", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(fingerprint[24..], OpenPgpKey.LongKeyId(signer, Created));
        Assert.Equal(Created.UtcDateTime, key.CreationTime);
        Assert.Equal(UserId, Assert.Single(key.GetUserIds().Cast<string>()));
        var certification = Assert.Single(key.GetSignaturesForId(UserId).Cast<PgpSignature>());
        Assert.Equal(PgpSignature.PositiveCertification, certification.SignatureType);
        certification.InitVerify(key);
        Assert.True(certification.VerifyCertification(UserId, key));

        // Same key and time: same fingerprint (the keyring bytes differ, ECDSA is randomized); another time or key: another.
        Assert.Equal(fingerprint, OpenPgpKey.Fingerprint(signer, Created));
        Assert.Equal(fingerprint, OpenPgpKey.Fingerprint(signer, Created.AddTicks(1234)));
        Assert.NotEqual(fingerprint, OpenPgpKey.Fingerprint(signer, Created.AddSeconds(1)));
        using var other = EcdsaP256Signer.Generate();
        Assert.NotEqual(fingerprint, OpenPgpKey.Fingerprint(other, Created));
        Assert.Throws<ArgumentException>(() => OpenPgpKey.PublicKeyring(signer, Created, ""));
        Assert.Throws<ArgumentException>(() => OpenPgpKey.PublicKeyring(signer, Created, "a\nb"));
    }

    [Fact]
    public void Our_verifier_accepts_the_prov_and_refuses_another_key_and_a_tampered_chart()
    {
        using var signer = EcdsaP256Signer.Generate();
        using var other = EcdsaP256Signer.Generate();
        var ring = HelmProvenance.ReadPublicKeyring(OpenPgpKey.PublicKeyring(signer, Created, UserId));
        var prov = OpenPgpKey.SignProvenance(signer, Created, SignedAt, Tgz, "demo-0.1.0.tgz", ChartYaml);

        Assert.StartsWith("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n", prov, StringComparison.Ordinal);
        var result = HelmProvenance.Verify(prov, Tgz, "demo-0.1.0.tgz", ring);
        Assert.True(result.Valid, result.Error + ": " + result.Detail);
        Assert.Equal(OpenPgpKey.LongKeyId(signer, Created), result.KeyId);
        Assert.True(HelmProvenance.Verify(OpenPgpKey.SignProvenance(signer, Created, Tgz, "demo-0.1.0.tgz", ChartYaml), Tgz, "demo-0.1.0.tgz", ring).Valid);

        Assert.Equal(ProvenanceErrors.DigestMismatch, HelmProvenance.Verify(prov, [.. Tgz, 0], "demo-0.1.0.tgz", ring).Error);
        Assert.Equal(ProvenanceErrors.BadSignature, HelmProvenance.Verify(prov.Replace("name: demo", "name: evil", StringComparison.Ordinal), Tgz, "demo-0.1.0.tgz", ring).Error);
        var otherRing = HelmProvenance.ReadPublicKeyring(OpenPgpKey.PublicKeyring(other, Created, UserId));
        Assert.Equal(ProvenanceErrors.UnknownKey, HelmProvenance.Verify(prov, Tgz, "demo-0.1.0.tgz", otherRing).Error);
        // The same key under another creation time is another OpenPGP key: refused, so the stored time must be used.
        var shifted = HelmProvenance.ReadPublicKeyring(OpenPgpKey.PublicKeyring(signer, Created.AddSeconds(1), UserId));
        Assert.Equal(ProvenanceErrors.UnknownKey, HelmProvenance.Verify(prov, Tgz, "demo-0.1.0.tgz", shifted).Error);
        Assert.Throws<ArgumentOutOfRangeException>(() => OpenPgpKey.SignProvenance(signer, Created, Created.AddSeconds(-1), Tgz, "demo-0.1.0.tgz", ChartYaml));
    }

    [Fact]
    public void Gpg_imports_the_keyring_and_verifies_the_prov()
    {
        using var signer = EcdsaP256Signer.Generate();
        using var home = new GpgHome();
        File.WriteAllBytes(Path.Combine(home.Dir, "pub.gpg"), OpenPgpKey.PublicKeyring(signer, Created, UserId));
        var prov = OpenPgpKey.SignProvenance(signer, Created, SignedAt, Tgz, "demo-0.1.0.tgz", ChartYaml);
        File.WriteAllText(Path.Combine(home.Dir, "demo.prov"), prov);
        File.WriteAllText(Path.Combine(home.Dir, "tampered.prov"), prov.Replace("version: 0.1.0", "version: 0.1.1", StringComparison.Ordinal));

        Ok(home.Gpg("--import", "pub.gpg"));
        var listed = home.Gpg("--with-colons", "--fingerprint", "--list-keys");
        Ok(listed);
        Assert.Contains("fpr:::::::::" + OpenPgpKey.Fingerprint(signer, Created) + ":", listed.Out, StringComparison.Ordinal);
        Assert.Contains(":" + Created.ToUnixTimeSeconds() + ":", listed.Out, StringComparison.Ordinal);
        var good = home.Gpg("--verify", "demo.prov");
        Assert.True(good.Exit == 0, good.Err);
        Assert.Contains("Good signature from \"" + UserId + "\"", good.Err, StringComparison.Ordinal);
        var bad = home.Gpg("--verify", "tampered.prov");
        Assert.NotEqual(0, bad.Exit);
        Assert.Contains("BAD signature", bad.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Helm_verify_accepts_the_prov_and_refuses_another_key_and_a_tampered_chart()
    {
        using var signer = EcdsaP256Signer.Generate();
        using var other = EcdsaP256Signer.Generate();
        using var home = new GpgHome();
        var helm = TestChart.Helm;
        Ok(home.Run(helm, "create", "demo"));
        Ok(home.Run(helm, "package", "demo", "-d", "out"));
        var tgzPath = Path.Combine(home.Dir, "out", "demo-0.1.0.tgz");
        var tgz = File.ReadAllBytes(tgzPath);
        File.WriteAllBytes(Path.Combine(home.Dir, "pubring.gpg"), OpenPgpKey.PublicKeyring(signer, Created, UserId));
        File.WriteAllBytes(Path.Combine(home.Dir, "other.gpg"), OpenPgpKey.PublicKeyring(other, Created, UserId));
        var chartYaml = File.ReadAllText(Path.Combine(home.Dir, "demo", "Chart.yaml"));
        File.WriteAllText(tgzPath + ".prov", OpenPgpKey.SignProvenance(signer, Created, SignedAt, tgz, "demo-0.1.0.tgz", chartYaml));

        var good = home.Run(helm, "verify", "--keyring", "pubring.gpg", "out/demo-0.1.0.tgz");
        Ok(good);
        Assert.Contains("Signed by: " + UserId, good.Out + good.Err, StringComparison.Ordinal);
        Assert.Contains(OpenPgpKey.Fingerprint(signer, Created), good.Out + good.Err, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(0, home.Run(helm, "verify", "--keyring", "other.gpg", "out/demo-0.1.0.tgz").Exit);
        File.WriteAllBytes(tgzPath, [.. tgz, 0]);
        Assert.NotEqual(0, home.Run(helm, "verify", "--keyring", "pubring.gpg", "out/demo-0.1.0.tgz").Exit);
    }
}
