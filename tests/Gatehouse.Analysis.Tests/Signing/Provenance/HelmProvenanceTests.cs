using System.Text;
using Gatehouse.Analysis.Signing.Provenance;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Gatehouse.Analysis.Tests.Signing.Provenance;

/// <summary>Helm .prov files made and checked by BouncyCastle, with gpg as the independent verifier.</summary>
public sealed class HelmProvenanceTests
{
    static readonly DateTime Created = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
    static readonly Lazy<(PgpSecretKey Secret, byte[] PublicRing)> Key = new(() => ProvenanceKeys.Generate("Gatehouse Test <signing@gatehouse.test>", Created));
    static readonly Lazy<(PgpSecretKey Secret, byte[] PublicRing)> Other = new(() => ProvenanceKeys.Generate("Other <other@gatehouse.test>", Created));

    const string ChartYaml = "apiVersion: v2\nname: demo\ndescription: A Helm chart\n---not-a-separator: x\ntype: application\nversion: 0.1.0\nappVersion: \"1.16.0\"\n";
    static readonly byte[] Tgz = Encoding.ASCII.GetBytes("not really a tgz, only bytes to digest");

    static PgpPublicKeyRingBundle Ring((PgpSecretKey, byte[] PublicRing) key) => HelmProvenance.ReadPublicKeyring(key.PublicRing);

    [Fact]
    public void Our_prov_verifies_and_has_helm_body()
    {
        var prov = HelmProvenance.Create(Tgz, "demo-0.1.0.tgz", ChartYaml, Key.Value.Secret);

        Assert.StartsWith("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n", prov, StringComparison.Ordinal);
        Assert.Contains("\n- ---not-a-separator: x\n", prov, StringComparison.Ordinal);
        Assert.Contains("\n\n...\nfiles:\n  demo-0.1.0.tgz: sha256:", prov, StringComparison.Ordinal);
        var result = HelmProvenance.Verify(prov, Tgz, "demo-0.1.0.tgz", Ring(Key.Value));
        Assert.True(result.Valid, result.Detail);
        Assert.Equal(Key.Value.Secret.KeyId.ToString("X16", System.Globalization.CultureInfo.InvariantCulture), result.KeyId);
        Assert.StartsWith(ChartYaml, result.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Gpg_verify_accepts_our_prov_and_refuses_a_tampered_body(bool rsa)
    {
        using var home = new GpgHome();
        var key = rsa ? ProvenanceKeys.Generate("Gatehouse Test <signing@gatehouse.test>", Created, rsa: true) : Key.Value;
        var prov = HelmProvenance.Create(Tgz, "demo-0.1.0.tgz", ChartYaml, key.Secret);
        File.WriteAllBytes(Path.Combine(home.Dir, "pub.gpg"), key.PublicRing);
        File.WriteAllText(Path.Combine(home.Dir, "demo.prov"), prov);
        File.WriteAllText(Path.Combine(home.Dir, "tampered.prov"), prov.Replace("version: 0.1.0", "version: 0.1.1", StringComparison.Ordinal));

        Assert.Equal(0, home.Gpg("--import", "pub.gpg").Exit);
        var good = home.Gpg("--verify", "demo.prov");
        Assert.True(good.Exit == 0, good.Err);
        Assert.Contains("Good signature from \"Gatehouse Test <signing@gatehouse.test>\"", good.Err, StringComparison.Ordinal);
        var bad = home.Gpg("--verify", "tampered.prov");
        Assert.NotEqual(0, bad.Exit);
        Assert.Contains("BAD signature", bad.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Refusals_name_their_reason()
    {
        var prov = HelmProvenance.Create(Tgz, "demo-0.1.0.tgz", ChartYaml, Key.Value.Secret);
        var ring = Ring(Key.Value);

        Assert.Equal(ProvenanceErrors.DigestMismatch, HelmProvenance.Verify(prov, [.. Tgz, 0], "demo-0.1.0.tgz", ring).Error);
        Assert.Equal(ProvenanceErrors.FileMissing, HelmProvenance.Verify(prov, Tgz, "other-0.1.0.tgz", ring).Error);
        Assert.Equal(ProvenanceErrors.UnknownKey, HelmProvenance.Verify(prov, Tgz, "demo-0.1.0.tgz", Ring(Other.Value)).Error);
        var byOther = HelmProvenance.Create(Tgz, "demo-0.1.0.tgz", ChartYaml, Other.Value.Secret);
        Assert.Equal(ProvenanceErrors.UnknownKey, HelmProvenance.Verify(byOther, Tgz, "demo-0.1.0.tgz", ring).Error);
        Assert.Equal(ProvenanceErrors.BadSignature, HelmProvenance.Verify(prov.Replace("name: demo", "name: evil", StringComparison.Ordinal), Tgz, "demo-0.1.0.tgz", ring).Error);
        // The digest line itself rewritten: the signature no longer matches.
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Tgz));
        Assert.Equal(ProvenanceErrors.BadSignature, HelmProvenance.Verify(prov.Replace(digest, new string('0', 64), StringComparison.Ordinal), Tgz, "demo-0.1.0.tgz", ring).Error);
        var sig = prov.IndexOf("-----BEGIN PGP SIGNATURE-----", StringComparison.Ordinal);
        var truncated = prov[..(sig + 60)];
        Assert.Equal(ProvenanceErrors.Malformed, HelmProvenance.Verify(truncated, Tgz, "demo-0.1.0.tgz", ring).Error);
        var cut = prov[..(prov.Length - 120)] + "\n-----END PGP SIGNATURE-----\n";
        Assert.False(HelmProvenance.Verify(cut, Tgz, "demo-0.1.0.tgz", ring).Valid);
        Assert.Equal(ProvenanceErrors.Malformed, HelmProvenance.Verify("hello", Tgz, "demo-0.1.0.tgz", ring).Error);
        Assert.Equal(ProvenanceErrors.Malformed, HelmProvenance.Verify(prov.Replace("- ---not", "---not", StringComparison.Ordinal), Tgz, "demo-0.1.0.tgz", ring).Error);
        Assert.Equal(ProvenanceErrors.Oversized, HelmProvenance.Verify(new string('a', HelmProvenance.MaxProvenanceBytes + 1), Tgz, "demo-0.1.0.tgz", ring).Error);
        Assert.StartsWith(ProvenanceErrors.Malformed, Assert.Throws<InvalidDataException>(() => HelmProvenance.ReadPublicKeyring(Encoding.ASCII.GetBytes("not a keyring"))).Message, StringComparison.Ordinal);
        Assert.StartsWith(ProvenanceErrors.Malformed, Assert.Throws<InvalidDataException>(() => HelmProvenance.ReadPublicKeyring(Key.Value.PublicRing[..40])).Message, StringComparison.Ordinal);
        Assert.StartsWith(ProvenanceErrors.Oversized, Assert.Throws<InvalidDataException>(() => HelmProvenance.ReadPublicKeyring(new byte[HelmProvenance.MaxKeyringBytes + 1])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => HelmProvenance.Create(Tgz, "demo-0.1.0.tgz", "name: x\n...\nversion: 1\n", Key.Value.Secret));
    }
}
