using Gatehouse.Analysis.Signing;
using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests.Signing;

/// <summary><c>gatehouse verify IMAGE</c> against cosign signatures pushed to a real registry (Debian's docker-registry on 127.0.0.1).</summary>
public sealed class VerifyImageTests
{
    [Fact]
    public async Task The_cosign_signature_next_to_the_image_is_verified_and_one_for_another_digest_is_refused()
    {
        using var registry = new LocalRegistry();
        using var cli = new CliHarness();
        var dir = cli.WorkingDirectory;
        using var signer = EcdsaP256Signer.Generate();
        using var retired = EcdsaP256Signer.Generate();
        SigningFiles.Write(dir, "pub.pem", signer.PublicKey.ToPem());
        SigningFiles.Write(dir, "keys.json", SigningFiles.Jwks([signer.PublicKey], [(retired.PublicKey, "2026-11-30T12:00:00Z")]));

        var repo = $"{registry.Host}/team/app";
        var digest = await registry.PushImageAsync("team/app", "1.0", "layer one");
        var sig = CosignSignature.Sign(signer, repo, digest);
        await registry.PushCosignSignatureAsync("team/app", digest, (sig.Payload, sig.SignatureBase64));

        var byDigest = await cli.RunAsync("verify", $"{repo}@{digest}", "--key", "pub.pem", "--insecure-registry");
        Assert.True(byDigest.ExitCode == 0, byDigest.Out + byDigest.Err);
        Assert.Contains($"ok    cosign {CosignSignature.SignatureTag(digest)} (key {signer.KeyId})", byDigest.Out, StringComparison.Ordinal);
        Assert.Contains("digest: " + digest, byDigest.Out, StringComparison.Ordinal);
        var byTag = await cli.RunAsync("verify", $"{repo}:1.0", "--key", "keys.json", "--insecure-registry");
        Assert.Equal(0, byTag.ExitCode);

        // Another image whose .sig holds a (validly signed) payload for the first image's digest.
        var second = await registry.PushImageAsync("team/app", "2.0", "layer two");
        await registry.PushCosignSignatureAsync("team/app", second, (sig.Payload, sig.SignatureBase64));
        var wrong = await cli.RunAsync("verify", $"{repo}:2.0", "--key", "pub.pem", "--insecure-registry");
        Assert.Equal(ExitCodes.GateSaidNo, wrong.ExitCode);
        Assert.Contains("[cosign.digest-mismatch]", wrong.Err, StringComparison.Ordinal);

        // Signed by a key the JWKS lists as retired; and an image with no .sig at all.
        var third = await registry.PushImageAsync("team/app", "3.0", "layer three");
        var old = CosignSignature.Sign(retired, repo, third);
        await registry.PushCosignSignatureAsync("team/app", third, (old.Payload, old.SignatureBase64));
        var retiredRun = await cli.RunAsync("verify", $"{repo}:3.0", "--key", "keys.json", "--insecure-registry");
        Assert.Equal(ExitCodes.GateSaidNo, retiredRun.ExitCode);
        Assert.Contains("[signing.key-retired]", retiredRun.Err, StringComparison.Ordinal);
        var anotherKey = await cli.RunAsync("verify", $"{repo}:3.0", "--key", "pub.pem", "--insecure-registry");
        Assert.Contains("[cosign.signature-invalid]", anotherKey.Err, StringComparison.Ordinal);

        await registry.PushImageAsync("team/app", "4.0", "layer four");
        var unsigned = await cli.RunAsync("verify", $"{repo}:4.0", "--key", "pub.pem", "--insecure-registry");
        Assert.Equal(ExitCodes.GateSaidNo, unsigned.ExitCode);
        Assert.Contains("[signing.no-signature]", unsigned.Err, StringComparison.Ordinal);

        // A digest the registry does not hold, and a reference naming no registry.
        var missing = await cli.RunAsync("verify", $"{repo}@sha256:{new string('0', 64)}", "--key", "pub.pem", "--insecure-registry");
        Assert.Equal(ExitCodes.Incomplete, missing.ExitCode);
        Assert.Contains("[registry.not-found]", missing.Err, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("verify", "team/app:1.0", "--key", "pub.pem")).ExitCode);
    }
}
