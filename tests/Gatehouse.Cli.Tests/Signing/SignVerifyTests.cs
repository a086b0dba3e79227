using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gatehouse.Analysis.Signing;
using Gatehouse.Cli.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Cli.Tests.Signing;

/// <summary><c>gatehouse sign</c> and <c>gatehouse verify</c> for files: bundles, tickets, PEM and JWKS keys (file and URL), retired keys.</summary>
public sealed class SignVerifyTests
{
    private static readonly byte[] Artifact = Encoding.UTF8.GetBytes("the app's bytes\n");

    private static (CliHarness Cli, string Dir) Harness(HttpMessageHandler? handler = null)
    {
        var cli = new CliHarness(handler);
        return (cli, cli.WorkingDirectory);
    }

    [Fact]
    public async Task Sign_then_verify_with_the_pem_and_with_a_jwks_file()
    {
        var (cli, dir) = Harness();
        using var _ = cli;
        using var signer = EcdsaP256Signer.Generate();
        SigningFiles.Write(dir, "key.pem", signer.ExportPkcs8Pem());
        SigningFiles.Write(dir, "pub.pem", signer.PublicKey.ToPem());
        SigningFiles.Write(dir, "keys.json", SigningFiles.Jwks([signer.PublicKey], []));
        SigningFiles.Write(dir, "app.zip", Artifact);

        var sign = await cli.RunAsync("sign", "app.zip", "--key", "key.pem");
        Assert.Equal(0, sign.ExitCode);
        Assert.Contains("with key " + signer.KeyId, sign.Out, StringComparison.Ordinal);
        var bundle = File.ReadAllBytes(Path.Combine(dir, "app.zip.sigstore.json"));
        Assert.True(SigstoreBundle.VerifyDigest(signer.PublicKey, bundle, SHA256.HashData(Artifact)).Valid);
        Assert.Equal(signer.KeyId, SignatureFiles.KeyHint(bundle));

        // Never overwritten without --force; with it, a fresh bundle.
        var again = await cli.RunAsync("sign", "app.zip", "--key", "key.pem");
        Assert.Equal(ExitCodes.Usage, again.ExitCode);
        Assert.Contains("[cli.output-exists]", again.Err, StringComparison.Ordinal);
        Assert.Equal(0, (await cli.RunAsync("sign", "app.zip", "--key", "key.pem", "--force")).ExitCode);

        var pem = await cli.RunAsync("verify", "app.zip", "--key", "pub.pem");
        Assert.Equal(0, pem.ExitCode);
        Assert.Contains($"ok    bundle app.zip.sigstore.json (key {signer.KeyId})", pem.Out, StringComparison.Ordinal);
        Assert.Contains("verified: every check holds", pem.Out, StringComparison.Ordinal);

        var json = await cli.RunAsync("verify", "app.zip", "--key", "keys.json", "--format", "json");
        Assert.Equal(0, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.True(doc.RootElement.GetProperty("verified").GetBoolean());
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Artifact)), doc.RootElement.GetProperty("digest").GetString());
        Assert.Equal(signer.KeyId, doc.RootElement.GetProperty("checks")[0].GetProperty("keyId").GetString());

        // --output names the bundle; verify --bundle reads it.
        Assert.Equal(0, (await cli.RunAsync("sign", "app.zip", "--key", "key.pem", "--output", "other.json")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("verify", "app.zip", "--key", "pub.pem", "--bundle", "other.json")).ExitCode);
    }

    [Fact]
    public async Task Verify_refuses_other_bytes_another_key_and_a_missing_signature()
    {
        var (cli, dir) = Harness();
        using var _ = cli;
        using var signer = EcdsaP256Signer.Generate();
        using var other = EcdsaP256Signer.Generate();
        SigningFiles.Write(dir, "other.pem", other.PublicKey.ToPem());
        SigningFiles.Write(dir, "pub.pem", signer.PublicKey.ToPem());
        SigningFiles.Write(dir, "app.zip", Artifact);
        SigningFiles.Write(dir, "app.zip.sigstore.json", SigstoreBundle.CreateForDigest(signer, SHA256.HashData(Artifact)));

        var wrongKey = await cli.RunAsync("verify", "app.zip", "--key", "other.pem");
        Assert.Equal(ExitCodes.GateSaidNo, wrongKey.ExitCode);
        Assert.Contains("[bundle.signature-invalid]", wrongKey.Err, StringComparison.Ordinal);
        Assert.Contains("NOT verified", wrongKey.Out, StringComparison.Ordinal);

        SigningFiles.Write(dir, "app.zip", Encoding.UTF8.GetBytes("the app's bytes, changed\n"));
        var otherBytes = await cli.RunAsync("verify", "app.zip", "--key", "pub.pem");
        Assert.Equal(ExitCodes.GateSaidNo, otherBytes.ExitCode);
        Assert.Contains("[bundle.digest-mismatch]", otherBytes.Err, StringComparison.Ordinal);

        // A digest that matches but a signature over other bytes (the hostile bundle keeps the digest, swaps the signature).
        var forged = Encoding.UTF8.GetString(SigstoreBundle.CreateForDigest(signer, SHA256.HashData(Artifact)))
            .Replace(Convert.ToBase64String(SHA256.HashData(Artifact)), Convert.ToBase64String(SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, "app.zip")))), StringComparison.Ordinal);
        SigningFiles.Write(dir, "app.zip.sigstore.json", forged);
        var swapped = await cli.RunAsync("verify", "app.zip", "--key", "pub.pem");
        Assert.Equal(ExitCodes.GateSaidNo, swapped.ExitCode);
        Assert.Contains("[bundle.signature-invalid]", swapped.Err, StringComparison.Ordinal);

        File.Delete(Path.Combine(dir, "app.zip.sigstore.json"));
        var none = await cli.RunAsync("verify", "app.zip", "--key", "pub.pem");
        Assert.Equal(ExitCodes.GateSaidNo, none.ExitCode);
        Assert.Contains("[signing.no-signature]", none.Err, StringComparison.Ordinal);

        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("verify", "app.zip", "--key", "pub.pem", "--bundle", "missing.json")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("verify", "nothing-here.zip", "--key", "pub.pem")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("verify", "app.zip")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("verify", "app.zip", "--key", "app.zip")).ExitCode);
    }

    [Fact]
    public async Task Sign_refuses_keys_that_are_not_p256_and_reads_encrypted_keys_only_with_their_password()
    {
        var (cli, dir) = Harness();
        using var _ = cli;
        SigningFiles.Write(dir, "app.zip", Artifact);
        Assert.Equal(0, SigningFiles.Run(dir, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "p384.pem").Exit);
        Assert.Equal(0, SigningFiles.Run(dir, "openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.pem").Exit);
        Assert.Equal(0, SigningFiles.Run(dir, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-256-cbc", "-pass", "pass:s3cret", "-out", "enc.pem").Exit);
        Assert.Equal(0, SigningFiles.Run(dir, "openssl", "pkey", "-in", "enc.pem", "-passin", "pass:s3cret", "-pubout", "-out", "enc.pub").Exit);

        var p384 = await cli.RunAsync("sign", "app.zip", "--key", "p384.pem");
        Assert.Equal(ExitCodes.Usage, p384.ExitCode);
        Assert.Contains("[signing.unsupported-curve]", p384.Err, StringComparison.Ordinal);
        var rsa = await cli.RunAsync("sign", "app.zip", "--key", "rsa.pem");
        Assert.Equal(ExitCodes.Usage, rsa.ExitCode);
        Assert.Contains("[signing.bad-pem]", rsa.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, "app.zip.sigstore.json")));

        var noPassword = await cli.RunAsync("sign", "app.zip", "--key", "enc.pem");
        Assert.Equal(ExitCodes.Usage, noPassword.ExitCode);
        Assert.Contains("--password-env", noPassword.Err, StringComparison.Ordinal);
        cli.Variables["SIGN_PW"] = "wrong";
        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("sign", "app.zip", "--key", "enc.pem", "--password-env", "SIGN_PW")).ExitCode);
        cli.Variables["SIGN_PW"] = "s3cret";
        Assert.Equal(0, (await cli.RunAsync("sign", "app.zip", "--key", "enc.pem", "--password-env", "SIGN_PW")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("verify", "app.zip", "--key", "enc.pub")).ExitCode);
        // The password never reaches the output.
        Assert.DoesNotContain("s3cret", noPassword.Err + noPassword.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signature_made_by_openssl_and_wrapped_into_a_bundle_is_verified()
    {
        var (cli, dir) = Harness();
        using var _ = cli;
        SigningFiles.Write(dir, "app.zip", Artifact);
        Assert.Equal(0, SigningFiles.Run(dir, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "key.pem").Exit);
        Assert.Equal(0, SigningFiles.Run(dir, "openssl", "ec", "-in", "key.pem", "-pubout", "-out", "pub.pem").Exit);
        Assert.Equal(0, SigningFiles.Run(dir, "openssl", "dgst", "-sha256", "-sign", "key.pem", "-out", "sig.der", "app.zip").Exit);
        var bundle = $$$"""
            {"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":""}},
             "messageSignature":{"messageDigest":{"algorithm":"SHA2_256","digest":"{{{Convert.ToBase64String(SHA256.HashData(Artifact))}}}"},
             "signature":"{{{Convert.ToBase64String(File.ReadAllBytes(Path.Combine(dir, "sig.der")))}}}"}}
            """;
        SigningFiles.Write(dir, "app.zip.sigstore.json", bundle);

        Assert.Equal(0, (await cli.RunAsync("verify", "app.zip", "--key", "pub.pem")).ExitCode);
        SigningFiles.Write(dir, "app.zip", Encoding.UTF8.GetBytes("other bytes"));
        Assert.Equal(ExitCodes.GateSaidNo, (await cli.RunAsync("verify", "app.zip", "--key", "pub.pem")).ExitCode);

        // And the other way round: openssl verifies the signature gatehouse sign wrote (jq-free: the test reads the JSON).
        SigningFiles.Write(dir, "app.zip", Artifact);
        Assert.Equal(0, (await cli.RunAsync("sign", "app.zip", "--key", "key.pem", "--force")).ExitCode);
        using var written = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "app.zip.sigstore.json")));
        SigningFiles.Write(dir, "ours.der", Convert.FromBase64String(written.RootElement.GetProperty("messageSignature").GetProperty("signature").GetString()!));
        Assert.Equal(0, SigningFiles.Run(dir, "openssl", "dgst", "-sha256", "-verify", "pub.pem", "-signature", "ours.der", "app.zip").Exit);
    }

    [Fact]
    public async Task A_key_listed_as_retired_is_refused_from_a_jwks_file_and_from_the_servers_url()
    {
        using var server = new KeyServer();
        var (cli, dir) = Harness(new SocketsHttpHandler());
        using var _ = cli;
        using var old = EcdsaP256Signer.Generate();
        using var current = EcdsaP256Signer.Generate();
        var jwks = SigningFiles.Jwks([current.PublicKey], [(old.PublicKey, "2026-11-30T12:00:00Z")]);
        SigningFiles.Write(dir, "keys.json", jwks);
        server.Serve("/.well-known/gatehouse/keys", jwks);
        SigningFiles.Write(dir, "app.zip", Artifact);
        SigningFiles.Write(dir, "app.zip.sigstore.json", SigstoreBundle.CreateForDigest(old, SHA256.HashData(Artifact)));

        var file = await cli.RunAsync("verify", "app.zip", "--key", "keys.json");
        Assert.Equal(ExitCodes.GateSaidNo, file.ExitCode);
        Assert.Contains("[signing.key-retired]", file.Err, StringComparison.Ordinal);
        Assert.Contains("retired on 2026-11-30T12:00:00Z", file.Err, StringComparison.Ordinal);

        var url = await cli.RunAsync("verify", "app.zip", "--key", server.Base + "/.well-known/gatehouse/keys");
        Assert.Equal(ExitCodes.GateSaidNo, url.ExitCode);
        Assert.Contains("[signing.key-retired]", url.Err, StringComparison.Ordinal);

        // A bundle without a hint is refused the same way (the retired key is found by trying).
        var hintless = Encoding.UTF8.GetString(SigstoreBundle.CreateForDigest(old, SHA256.HashData(Artifact))).Replace(old.KeyId, "", StringComparison.Ordinal);
        SigningFiles.Write(dir, "app.zip.sigstore.json", hintless);
        Assert.Contains("[signing.key-retired]", (await cli.RunAsync("verify", "app.zip", "--key", "keys.json")).Err, StringComparison.Ordinal);

        // The current key verifies; an unreachable key URL is incomplete (3), never a pass.
        SigningFiles.Write(dir, "app.zip.sigstore.json", SigstoreBundle.CreateForDigest(current, SHA256.HashData(Artifact)));
        Assert.Equal(0, (await cli.RunAsync("verify", "app.zip", "--key", server.Base + "/.well-known/gatehouse/keys")).ExitCode);
        Assert.Equal(ExitCodes.Incomplete, (await cli.RunAsync("verify", "app.zip", "--key", server.Base + "/nothing")).ExitCode);
        Assert.Contains("/.well-known/gatehouse/keys", server.Requested);
    }

    [Fact]
    public async Task The_ticket_next_to_the_file_is_checked_and_a_ticket_for_another_digest_is_refused()
    {
        var (cli, dir) = Harness();
        using var _ = cli;
        using var signer = EcdsaP256Signer.Generate();
        using var other = EcdsaP256Signer.Generate();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 10, 30, 0, TimeSpan.Zero));
        var sha = Convert.ToHexStringLower(SHA256.HashData(Artifact));
        SigningFiles.Write(dir, "pub.pem", signer.PublicKey.ToPem());
        SigningFiles.Write(dir, "app.zip", Artifact);
        SigningFiles.Write(dir, "app.zip.sigstore.json", SigstoreBundle.CreateForDigest(signer, SHA256.HashData(Artifact)));
        var ticket = ApprovalTicket.Create(time, "app.zip", sha, "acme-notes", "1.4.2", "sha256:" + new string('a', 64), "sha256:" + new string('b', 64));
        SigningFiles.Write(dir, "app.zip.ticket.sigstore.json", SigstoreBundle.WrapEnvelope(signer.KeyId, ticket.Sign(signer)));

        var ok = await cli.RunAsync("verify", "app.zip", "--key", "pub.pem");
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("ok    ticket app.zip.ticket.sigstore.json", ok.Out, StringComparison.Ordinal);
        Assert.Contains("approved 2026-12-01T10:30:00Z: acme-notes 1.4.2 app.zip", ok.Out, StringComparison.Ordinal);

        // A bare DSSE envelope is accepted too.
        SigningFiles.Write(dir, "ticket.dsse.json", ticket.Sign(signer));
        Assert.Equal(0, (await cli.RunAsync("verify", "app.zip", "--key", "pub.pem", "--ticket", "ticket.dsse.json")).ExitCode);

        var elsewhere = ticket with { ArtifactSha256 = new string('c', 64) };
        SigningFiles.Write(dir, "app.zip.ticket.sigstore.json", SigstoreBundle.WrapEnvelope(signer.KeyId, elsewhere.Sign(signer)));
        var wrongDigest = await cli.RunAsync("verify", "app.zip", "--key", "pub.pem");
        Assert.Equal(ExitCodes.GateSaidNo, wrongDigest.ExitCode);
        Assert.Contains("[ticket.digest-mismatch]", wrongDigest.Err, StringComparison.Ordinal);
        Assert.Contains("ok    bundle", wrongDigest.Out, StringComparison.Ordinal);

        SigningFiles.Write(dir, "app.zip.ticket.sigstore.json", SigstoreBundle.WrapEnvelope(other.KeyId, ticket.Sign(other)));
        var wrongKey = await cli.RunAsync("verify", "app.zip", "--key", "pub.pem");
        Assert.Equal(ExitCodes.GateSaidNo, wrongKey.ExitCode);
        Assert.Contains("FAIL  ticket", wrongKey.Out, StringComparison.Ordinal);

        SigningFiles.Write(dir, "app.zip.ticket.sigstore.json", "{\"not\":\"a ticket\"}");
        Assert.Equal(ExitCodes.GateSaidNo, (await cli.RunAsync("verify", "app.zip", "--key", "pub.pem")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("verify", "app.zip", "--key", "pub.pem", "--ticket", "missing.json")).ExitCode);
    }
}
