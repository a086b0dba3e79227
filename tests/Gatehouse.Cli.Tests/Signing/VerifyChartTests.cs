using System.Security.Cryptography;
using Gatehouse.Analysis.Signing;
using Gatehouse.Analysis.Signing.Provenance;
using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests.Signing;

/// <summary><c>gatehouse verify CHART.tgz</c>: the .prov next to the chart with the server's pubring.gpg (from the key URL) or --keyring.</summary>
public sealed class VerifyChartTests
{
    private const string ChartYaml = "apiVersion: v2\nname: demo\nversion: 0.1.0\n";
    private static readonly DateTimeOffset Created = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_prov_next_to_a_chart_is_verified_with_the_keyring_beside_the_key_url_or_given()
    {
        using var server = new KeyServer();
        using var cli = new CliHarness(new SocketsHttpHandler());
        var dir = cli.WorkingDirectory;
        using var signer = EcdsaP256Signer.Generate();
        using var other = EcdsaP256Signer.Generate();
        var tgz = RandomNumberGenerator.GetBytes(512);
        SigningFiles.Write(dir, "demo-0.1.0.tgz", tgz);
        SigningFiles.Write(dir, "demo-0.1.0.tgz.prov", OpenPgpKey.SignProvenance(signer, Created, tgz, "demo-0.1.0.tgz", ChartYaml));
        SigningFiles.Write(dir, "demo-0.1.0.tgz.sigstore.json", SigstoreBundle.CreateForDigest(signer, SHA256.HashData(tgz)));
        SigningFiles.Write(dir, "pub.pem", signer.PublicKey.ToPem());
        SigningFiles.Write(dir, "pubring.gpg", OpenPgpKey.PublicKeyring(signer, Created, "Gatehouse <signing@gatehouse.test>"));
        SigningFiles.Write(dir, "other.gpg", OpenPgpKey.PublicKeyring(other, Created, "Other <other@gatehouse.test>"));
        server.Serve("/.well-known/gatehouse/keys", SigningFiles.Jwks([signer.PublicKey], []));
        server.Serve("/.well-known/gatehouse/pubring.gpg", OpenPgpKey.PublicKeyring(signer, Created, "Gatehouse <signing@gatehouse.test>"));

        var url = await cli.RunAsync("verify", "demo-0.1.0.tgz", "--key", server.Base + "/.well-known/gatehouse/keys");
        Assert.True(url.ExitCode == 0, url.Out + url.Err);
        Assert.Contains("ok    bundle", url.Out, StringComparison.Ordinal);
        Assert.Contains($"ok    prov demo-0.1.0.tgz.prov (key {OpenPgpKey.LongKeyId(signer, Created)})", url.Out, StringComparison.Ordinal);
        Assert.Contains("/.well-known/gatehouse/pubring.gpg", server.Requested);

        Assert.Equal(0, (await cli.RunAsync("verify", "demo-0.1.0.tgz", "--key", "pub.pem", "--keyring", "pubring.gpg")).ExitCode);

        // Another key's keyring; a PEM key without a keyring (the .prov cannot be checked: refused, not skipped).
        var otherRing = await cli.RunAsync("verify", "demo-0.1.0.tgz", "--key", "pub.pem", "--keyring", "other.gpg");
        Assert.Equal(ExitCodes.GateSaidNo, otherRing.ExitCode);
        Assert.Contains("[prov.unknown-key]", otherRing.Err, StringComparison.Ordinal);
        var noRing = await cli.RunAsync("verify", "demo-0.1.0.tgz", "--key", "pub.pem");
        Assert.Equal(ExitCodes.GateSaidNo, noRing.ExitCode);
        Assert.Contains("--keyring", noRing.Err, StringComparison.Ordinal);

        // The chart changed: both the bundle and the .prov refuse it; only the .prov (no bundle) still refuses it.
        tgz[100] ^= 1;
        SigningFiles.Write(dir, "demo-0.1.0.tgz", tgz);
        var changed = await cli.RunAsync("verify", "demo-0.1.0.tgz", "--key", "pub.pem", "--keyring", "pubring.gpg");
        Assert.Equal(ExitCodes.GateSaidNo, changed.ExitCode);
        Assert.Contains("[prov.digest-mismatch]", changed.Out, StringComparison.Ordinal);
        File.Delete(Path.Combine(dir, "demo-0.1.0.tgz.sigstore.json"));
        var provOnly = await cli.RunAsync("verify", "demo-0.1.0.tgz", "--key", "pub.pem", "--keyring", "pubring.gpg");
        Assert.Equal(ExitCodes.GateSaidNo, provOnly.ExitCode);
        Assert.Contains("[prov.digest-mismatch]", provOnly.Err, StringComparison.Ordinal);
    }
}
