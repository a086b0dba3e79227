using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gatehouse.Analysis.Signing;

namespace Gatehouse.Analysis.Tests.Signing;

/// <summary>Sigstore bundles v0.3 (messageSignature, public-key hint): ours accepted by @sigstore/verify and by our verifier, tampered ones refused by both.</summary>
public sealed class SigstoreBundleTests
{
    private static readonly byte[] Artifact = Encoding.UTF8.GetBytes("a downloadable file\n");

    private static string SigstoreTools()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var tools = Path.Combine(dir.FullName, "tools", "sigstore");
            if (File.Exists(Path.Combine(tools, "package.json")))
                return Directory.Exists(Path.Combine(tools, "node_modules", "@sigstore", "verify")) ? tools
                    : throw new InvalidOperationException($"@sigstore/verify is not installed: run `npm ci --prefix {tools}` (test.sh does)");
        }
        throw new InvalidOperationException("tools/sigstore not found above the test binaries");
    }

    [Fact]
    public void BundleHasTheV03ShapeAndOurVerifierChecksIt()
    {
        using var signer = EcdsaP256Signer.Generate();
        using var other = EcdsaP256Signer.Generate();
        var bundle = SigstoreBundle.Create(signer, new MemoryStream(Artifact));
        var root = JsonDocument.Parse(bundle).RootElement;
        Assert.Equal("application/vnd.dev.sigstore.bundle.v0.3+json", root.GetProperty("mediaType").GetString());
        Assert.Equal(signer.KeyId, root.GetProperty("verificationMaterial").GetProperty("publicKey").GetProperty("hint").GetString());
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(Artifact)), root.GetProperty("messageSignature").GetProperty("messageDigest").GetProperty("digest").GetString());

        Assert.True(SigstoreBundle.Verify(signer.PublicKey, bundle, new MemoryStream(Artifact)).Valid);
        Assert.Equal("bundle.digest-mismatch", SigstoreBundle.Verify(signer.PublicKey, bundle, new MemoryStream("other"u8.ToArray())).Code);
        Assert.Equal("bundle.signature-invalid", SigstoreBundle.Verify(other.PublicKey, bundle, new MemoryStream(Artifact)).Code);
        var otherSha = SHA256.HashData("other"u8);
        var forged = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bundle).Replace(Convert.ToBase64String(SHA256.HashData(Artifact)), Convert.ToBase64String(otherSha)));
        Assert.Equal("bundle.signature-invalid", SigstoreBundle.VerifyDigest(signer.PublicKey, forged, otherSha).Code);
        Assert.Equal("bundle.not-message-signature", SigstoreBundle.Verify(signer.PublicKey, "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"}"u8, new MemoryStream(Artifact)).Code);
        Assert.Equal("bundle.unsupported-media-type", SigstoreBundle.Verify(signer.PublicKey, "{\"mediaType\":\"x\"}"u8, new MemoryStream(Artifact)).Code);
    }

    [Fact]
    public void OurVerifierAcceptsABundleAroundAnOpensslSignature()
    {
        using var tool = new Tool();
        var key = tool.Write("key.pem", "");
        Assert.Equal(0, tool.Run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key).Exit);
        using var signer = EcdsaP256Signer.FromPem(File.ReadAllText(key));
        var file = tool.Write("file", Artifact);
        Assert.Equal(0, tool.Run("openssl", "dgst", "-sha256", "-sign", key, "-out", "sig.der", file).Exit);
        var opensslSig = Convert.ToBase64String(File.ReadAllBytes(Path.Combine(tool.Dir, "sig.der")));
        var ours = JsonDocument.Parse(SigstoreBundle.Create(signer, new MemoryStream(Artifact))).RootElement;
        var bundle = Encoding.UTF8.GetBytes(ours.GetRawText().Replace(
            ours.GetProperty("messageSignature").GetProperty("signature").GetString()!, opensslSig));
        Assert.True(SigstoreBundle.Verify(signer.PublicKey, bundle, new MemoryStream(Artifact)).Valid);
        using var other = EcdsaP256Signer.Generate();
        Assert.False(SigstoreBundle.Verify(other.PublicKey, bundle, new MemoryStream(Artifact)).Valid);
    }

    [Fact]
    public async Task SigstoreVerifyAcceptsOurBundlesAndRefusesTamperedOnes()
    {
        var tools = SigstoreTools();
        using var tool = new Tool();
        using var signer = EcdsaP256Signer.Generate();
        using var other = EcdsaP256Signer.Generate();
        var pub = tool.Write("k.pub", signer.PublicKey.ToPem());
        var otherPub = tool.Write("o.pub", other.PublicKey.ToPem());
        var artifact = tool.Write("artifact", Artifact);
        var big = new byte[3 * 1024 * 1024];
        RandomNumberGenerator.Fill(big);
        var bigFile = tool.Write("big", big);
        var bundle = tool.Write("a.sigstore.json", SigstoreBundle.Create(signer, new MemoryStream(Artifact)));
        var bigBundle = tool.Write("big.sigstore.json", SigstoreBundle.Create(signer, new MemoryStream(big)));
        var otherFile = tool.Write("other", "other bytes");
        var otherSha = Convert.ToBase64String(SHA256.HashData("other bytes"u8));
        var forged = tool.Write("forged.sigstore.json", File.ReadAllText(bundle).Replace(Convert.ToBase64String(SHA256.HashData(Artifact)), otherSha));
        var signedByOther = tool.Write("o.sigstore.json", SigstoreBundle.Create(other, new MemoryStream(Artifact)));
        // The approval ticket (DSSE) wrapped in a bundle: @sigstore/verify checks our PAE and envelope independently.
        var ticketEnvelope = ApprovalTicket.Create(TimeProvider.System, "artifact", Convert.ToHexStringLower(SHA256.HashData(Artifact)),
            "demo", "1.0.0", "sha256:" + new string('a', 64), "sha256:" + new string('b', 64)).Sign(signer);
        var ticket = tool.Write("ticket.sigstore.json", SigstoreBundle.WrapEnvelope(signer.KeyId, ticketEnvelope));
        var payload = JsonDocument.Parse(ticketEnvelope).RootElement.GetProperty("payload").GetString()!;
        var tamperedTicket = tool.Write("ticket-t.sigstore.json", File.ReadAllText(ticket).Replace(payload,
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Convert.FromBase64String(payload)).Replace("1.0.0", "9.9.9")))));

        (string Bundle, string Artifact, string Key, bool Ok)[] cases =
        [
            (bundle, artifact, pub, true),
            (bigBundle, bigFile, pub, true),
            (bundle, otherFile, pub, false),        // other bytes
            (bundle, artifact, otherPub, false),    // another key
            (forged, otherFile, pub, false),        // digest swapped in the bundle, signature kept
            (signedByOther, artifact, pub, false),  // signed by another key
            (ticket, "", pub, true),                // DSSE ticket
            (ticket, "", otherPub, false),          // DSSE ticket, another key
            (tamperedTicket, "", pub, false),       // DSSE ticket, tampered statement
        ];
        var input = JsonSerializer.Serialize(cases.Select(c => new { bundle = c.Bundle, artifact = c.Artifact, key = c.Key }));
        var start = new System.Diagnostics.ProcessStartInfo("node", Path.Combine(tools, "verify.js"))
        { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = tools };
        using var p = System.Diagnostics.Process.Start(start)!;
        p.StandardInput.Write(input);
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEndAsync();
        var lines = (await p.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await p.WaitForExitAsync();
        var errors = await stderr;
        Assert.True(p.ExitCode == 0 && lines.Length == cases.Length, $"node verify.js: {string.Join('\n', lines)} {errors}");
        for (var i = 0; i < cases.Length; i++)
            Assert.True(cases[i].Ok ? lines[i] == "OK" : lines[i].StartsWith("FAIL", StringComparison.Ordinal), $"case {i}: {lines[i]}");
        // Our verifier agrees case by case.
        for (var i = 0; i < cases.Length && cases[i].Artifact != ""; i++)
        {
            var key = PublicKey.FromPem(File.ReadAllText(cases[i].Key));
            using var a = File.OpenRead(cases[i].Artifact);
            Assert.Equal(cases[i].Ok, SigstoreBundle.Verify(key, File.ReadAllBytes(cases[i].Bundle), a).Valid);
        }
    }
}
