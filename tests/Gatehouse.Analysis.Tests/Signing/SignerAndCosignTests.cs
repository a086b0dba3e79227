using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gatehouse.Analysis.Signing;

namespace Gatehouse.Analysis.Tests.Signing;

/// <summary>The P-256 signer, its public key formats and cosign's simple-signing signature, checked against openssl both ways.</summary>
public sealed class SignerAndCosignTests
{
    private const string Digest = "sha256:72df5e5c0a4bd5e3d9a8f0c6f4b1f1b3e2a0c9d8e7f6a5b4c3d2e1f0a9b8c7d6";
    private const string OtherDigest = "sha256:0000000000000000000000000000000000000000000000000000000000000001";

    [Fact]
    public void KeyIdIsTheRfc7638ThumbprintAndStableAcrossFormats()
    {
        // RFC 7638 has no EC example; compute the thumbprint independently from the JWK members.
        using var signer = EcdsaP256Signer.Generate();
        var jwk = JsonDocument.Parse(signer.PublicKey.ToJwk()).RootElement;
        var canonical = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{jwk.GetProperty("x").GetString()}\",\"y\":\"{jwk.GetProperty("y").GetString()}\"}}";
        var expected = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal(expected, signer.KeyId);
        Assert.Equal(expected, jwk.GetProperty("kid").GetString());
        Assert.Equal(signer.KeyId, PublicKey.FromPem(signer.PublicKey.ToPem()).KeyId);
        using var again = EcdsaP256Signer.FromPem(signer.ExportPkcs8Pem());
        Assert.Equal(signer.KeyId, again.KeyId);
        using var other = EcdsaP256Signer.Generate();
        Assert.NotEqual(signer.KeyId, other.KeyId);
    }

    [Fact]
    public void RefusesMalformedAndNonP256Keys()
    {
        Assert.Equal("signing.bad-pem", Assert.Throws<SigningFormatException>(() => PublicKey.FromPem("nope")).Code);
        Assert.Equal("signing.bad-pem", Assert.Throws<SigningFormatException>(() => PublicKey.FromPem(new string('A', 5000))).Code);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Equal("signing.unsupported-curve", Assert.Throws<SigningFormatException>(() => PublicKey.FromPem(p384.ExportSubjectPublicKeyInfoPem())).Code);
        Assert.Throws<SigningFormatException>(() => EcdsaP256Signer.FromPem(p384.ExportPkcs8PrivateKeyPem()));
    }

    [Fact]
    public void CosignPayloadIsExactlyCosignsBytes()
    {
        var payload = Encoding.UTF8.GetString(CosignSignature.CreatePayload("registry.example/ns/app", Digest));
        Assert.Equal("{\"critical\":{\"identity\":{\"docker-reference\":\"registry.example/ns/app\"},\"image\":{\"docker-manifest-digest\":\"" + Digest
                     + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}", payload);
        Assert.Equal("sha256-" + Digest[7..] + ".sig", CosignSignature.SignatureTag(Digest));
        Assert.Throws<SigningFormatException>(() => CosignSignature.CreatePayload("r/a", "sha256:ABC"));
    }

    [Fact]
    public void CosignSignatureVerifiesAndRefusesOtherDigestKeyOrBytes()
    {
        using var signer = EcdsaP256Signer.Generate();
        using var other = EcdsaP256Signer.Generate();
        var sig = CosignSignature.Sign(signer, "127.0.0.1:5000/demo/app", Digest);
        Assert.True(CosignSignature.Verify(signer.PublicKey, sig.Payload, sig.SignatureBase64, Digest).Valid);
        Assert.Equal("cosign.digest-mismatch", CosignSignature.Verify(signer.PublicKey, sig.Payload, sig.SignatureBase64, OtherDigest).Code);
        Assert.Equal("cosign.signature-invalid", CosignSignature.Verify(other.PublicKey, sig.Payload, sig.SignatureBase64, Digest).Code);
        var tampered = CosignSignature.CreatePayload("127.0.0.1:5000/demo/app", OtherDigest);
        Assert.Equal("cosign.signature-invalid", CosignSignature.Verify(signer.PublicKey, tampered, sig.SignatureBase64, OtherDigest).Code);
        Assert.Equal("cosign.bad-signature-encoding", CosignSignature.Verify(signer.PublicKey, sig.Payload, "%%%", Digest).Code);
    }

    [Fact]
    public void OpensslVerifiesOurSignaturesAndRefusesOtherBytes()
    {
        using var tool = new Tool();
        using var signer = EcdsaP256Signer.Generate();
        var sig = CosignSignature.Sign(signer, "127.0.0.1:5000/demo/app", Digest);
        var pub = tool.Write("cosign.pub", signer.PublicKey.ToPem());
        var payload = tool.Write("payload.json", sig.Payload);
        var der = tool.Write("sig.der", Convert.FromBase64String(sig.SignatureBase64));
        var ok = tool.Run("openssl", "dgst", "-sha256", "-verify", pub, "-signature", der, payload);
        Assert.True(ok.Exit == 0 && ok.Output.Contains("Verified OK"), ok.Output);
        var other = tool.Write("other.json", CosignSignature.CreatePayload("127.0.0.1:5000/demo/app", OtherDigest));
        Assert.NotEqual(0, tool.Run("openssl", "dgst", "-sha256", "-verify", pub, "-signature", der, other).Exit);
        // The JWK describes the same key openssl reads from the PEM.
        var text = tool.Run("openssl", "pkey", "-pubin", "-in", pub, "-noout", "-text").Output;
        Assert.Contains("P-256", text);
    }

    [Fact]
    public void WeVerifySignaturesMadeByOpensslAndRefuseOthers()
    {
        using var tool = new Tool();
        var key = tool.Write("key.pem", "");
        Assert.Equal(0, tool.Run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key).Exit);
        var pubPem = tool.Run("openssl", "ec", "-in", key, "-pubout").Output;
        var publicKey = PublicKey.FromPem(pubPem[pubPem.IndexOf("-----BEGIN", StringComparison.Ordinal)..]);
        var payloadBytes = CosignSignature.CreatePayload("127.0.0.1:5000/demo/app", Digest);
        var payload = tool.Write("payload.json", payloadBytes);
        Assert.Equal(0, tool.Run("openssl", "dgst", "-sha256", "-sign", key, "-out", "sig.der", payload).Exit);
        var sig = Convert.ToBase64String(File.ReadAllBytes(Path.Combine(tool.Dir, "sig.der")));
        Assert.True(CosignSignature.Verify(publicKey, payloadBytes, sig, Digest).Valid);
        Assert.True(publicKey.Verify(payloadBytes, Convert.FromBase64String(sig)));
        using var other = EcdsaP256Signer.Generate();
        Assert.False(CosignSignature.Verify(other.PublicKey, payloadBytes, sig, Digest).Valid);
        Assert.False(publicKey.Verify(Encoding.UTF8.GetBytes("other bytes"), Convert.FromBase64String(sig)));
        // The signer reads openssl's SEC1 private key and its key id matches the public key's.
        using var imported = EcdsaP256Signer.FromPem(File.ReadAllText(key));
        Assert.Equal(publicKey.KeyId, imported.KeyId);
    }
}
