using Gatehouse.Analysis.Signing.Provenance;
using Gatehouse.Analysis.Tests.Support;

namespace Gatehouse.Analysis.Tests.Signing.Provenance;

/// <summary>The real Helm (GATEHOUSE_HELM, as every chart test finds it: <see cref="TestChart.Helm"/>): helm verify accepts our .prov, and our verifier accepts helm package --sign's.</summary>
public sealed class HelmProvenanceInteropTests
{
    static void Ok((int Exit, string Out, string Err) r) => Assert.True(r.Exit == 0, r.Out + r.Err);

    [Fact]
    public void Helm_verify_accepts_our_prov_and_refuses_a_tampered_chart_and_another_key()
    {
        using var home = new GpgHome();
        var helm = TestChart.Helm;
        Ok(home.Run(helm, "create", "demo"));
        Ok(home.Run(helm, "package", "demo", "-d", "out"));
        var tgzPath = Path.Combine(home.Dir, "out", "demo-0.1.0.tgz");
        var tgz = File.ReadAllBytes(tgzPath);
        var key = ProvenanceKeys.Generate("Gatehouse Test <signing@gatehouse.test>", new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        var other = ProvenanceKeys.Generate("Other <other@gatehouse.test>", new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        File.WriteAllBytes(Path.Combine(home.Dir, "pubring.gpg"), key.PublicRing);
        File.WriteAllBytes(Path.Combine(home.Dir, "other.gpg"), other.PublicRing);
        var prov = HelmProvenance.Create(tgz, "demo-0.1.0.tgz", File.ReadAllText(Path.Combine(home.Dir, "demo", "Chart.yaml")), key.Secret);
        File.WriteAllText(tgzPath + ".prov", prov);

        var good = home.Run(helm, "verify", "--keyring", "pubring.gpg", "out/demo-0.1.0.tgz");
        Ok(good);
        Assert.Contains("Signed by: Gatehouse Test <signing@gatehouse.test>", good.Out + good.Err, StringComparison.Ordinal);
        Assert.NotEqual(0, home.Run(helm, "verify", "--keyring", "other.gpg", "out/demo-0.1.0.tgz").Exit);
        File.WriteAllBytes(tgzPath, [.. tgz, 0]);
        Assert.NotEqual(0, home.Run(helm, "verify", "--keyring", "pubring.gpg", "out/demo-0.1.0.tgz").Exit);
    }

    [Theory]
    [InlineData("rsa2048")]
    [InlineData("ed25519")]
    [InlineData("nistp256")]
    public void Our_verifier_accepts_helm_package_sign_and_refuses_tampering(string algorithm)
    {
        using var home = new GpgHome();
        var helm = TestChart.Helm;
        Ok(home.Run(helm, "create", "demo"));
        Ok(home.Gpg("--passphrase", "", "--quick-gen-key", "Vendor <vendor@gatehouse.test>", algorithm, "sign", "never"));
        File.WriteAllBytes(Path.Combine(home.Dir, "pubring.gpg"), ExportBytes(home, "--export"));
        File.WriteAllBytes(Path.Combine(home.Dir, "secring.gpg"), ExportBytes(home, "--export-secret-keys"));
        Ok(home.Run(helm, "package", "--sign", "--key", "Vendor", "--keyring", "secring.gpg", "demo", "-d", "signed"));

        var tgz = File.ReadAllBytes(Path.Combine(home.Dir, "signed", "demo-0.1.0.tgz"));
        var prov = File.ReadAllText(Path.Combine(home.Dir, "signed", "demo-0.1.0.tgz.prov"));
        var ring = HelmProvenance.ReadPublicKeyring(File.ReadAllBytes(Path.Combine(home.Dir, "pubring.gpg")));
        var result = HelmProvenance.Verify(prov, tgz, "demo-0.1.0.tgz", ring);
        Assert.True(result.Valid, result.Error + ": " + result.Detail);

        var other = ProvenanceKeys.Generate("Other <other@gatehouse.test>", new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal(ProvenanceErrors.UnknownKey, HelmProvenance.Verify(prov, tgz, "demo-0.1.0.tgz", HelmProvenance.ReadPublicKeyring(other.PublicRing)).Error);
        Assert.Equal(ProvenanceErrors.DigestMismatch, HelmProvenance.Verify(prov, [.. tgz, 0], "demo-0.1.0.tgz", ring).Error);
        Assert.Equal(ProvenanceErrors.BadSignature, HelmProvenance.Verify(prov.Replace("name: demo", "name: evil", StringComparison.Ordinal), tgz, "demo-0.1.0.tgz", ring).Error);
        var end = prov.IndexOf("-----END PGP SIGNATURE-----", StringComparison.Ordinal);
        Assert.False(HelmProvenance.Verify(prov[..(end - 80)] + "\n" + prov[end..], tgz, "demo-0.1.0.tgz", ring).Valid);
    }

    // gpg writes binary keyrings to stdout; the runner reads text, so export to a file instead.
    static byte[] ExportBytes(GpgHome home, string command)
    {
        var file = Path.Combine(home.Dir, command.TrimStart('-') + ".bin");
        Ok(home.Gpg("--output", file, command));
        return File.ReadAllBytes(file);
    }
}
