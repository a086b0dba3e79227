using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Analysis.Signing;
using Gatehouse.Server.Signing;

namespace Gatehouse.Server.Tests.Signing;

/// <summary>
/// The rules of checking a vendor's bundle (no host): the registered key that signed the artifact verifies it, with or
/// without the bundle's key hint; other bytes, another key, a revoked key, no key, a damaged bundle and a version without
/// an artifact are each refused with their own stable code.
/// </summary>
public sealed class VendorSignatureVerifierTests
{
    private static readonly byte[] Artifact = Encoding.UTF8.GetBytes("acme-sync 1.0.0\n");
    private static readonly string Digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Artifact));
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static VendorKey Registered(ISigner signer, string name = "CI key", DateTimeOffset? revoked = null) => new()
    {
        Id = Guid.NewGuid(), OrganizationId = Guid.Empty, KeyId = signer.KeyId, PublicKeyPem = signer.PublicKey.ToPem(), Name = name,
        CreatedAt = T0, CreatedBy = "vendor", RevokedAt = revoked, RevokedBy = revoked is null ? null : "vendor",
    };

    private static byte[] Bundle(ISigner signer, byte[]? bytes = null) => SigstoreBundle.Create(signer, new MemoryStream(bytes ?? Artifact));

    private static byte[] WithoutHint(byte[] bundle)
    {
        var node = JsonNode.Parse(bundle)!.AsObject();
        node["verificationMaterial"]!.AsObject()["publicKey"]!.AsObject().Remove("hint");
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    [Fact]
    public void The_registered_key_verifies_it_by_hint_and_without_one()
    {
        using var ci = EcdsaP256Signer.Generate();
        using var other = EcdsaP256Signer.Generate();
        var keys = new[] { Registered(other, "laptop"), Registered(ci) };

        var hinted = VendorSignatureVerifier.Verify(Bundle(ci), Digest, keys);
        Assert.True(hinted.Valid, hinted.Message);
        Assert.Equal(ci.KeyId, hinted.KeyId);

        var plain = VendorSignatureVerifier.Verify(WithoutHint(Bundle(ci)), Digest, keys);
        Assert.True(plain.Valid, plain.Message);
        Assert.Equal(ci.KeyId, plain.KeyId);
    }

    [Fact]
    public void Other_bytes_another_key_a_revoked_key_and_damage_are_refused_each_with_its_code()
    {
        using var ci = EcdsaP256Signer.Generate();
        using var stranger = EcdsaP256Signer.Generate();
        using var old = EcdsaP256Signer.Generate();
        var keys = new[] { Registered(ci), Registered(old, "old", T0.AddDays(1)) };

        Assert.Equal("bundle.digest-mismatch", VendorSignatureVerifier.Verify(Bundle(ci, Encoding.UTF8.GetBytes("acme-sync 1.0.1\n")), Digest, keys).Status);
        var unknown = VendorSignatureVerifier.Verify(Bundle(stranger), Digest, keys);
        Assert.Equal(VendorSignatureVerifier.UnknownKey, unknown.Status);
        Assert.Null(unknown.KeyId);
        Assert.Equal("bundle.signature-invalid", VendorSignatureVerifier.Verify(WithoutHint(Bundle(stranger)), Digest, keys).Status);
        // A stranger's signature that claims to be by the registered key verifies with nothing.
        var forged = JsonNode.Parse(Bundle(stranger))!.AsObject();
        forged["verificationMaterial"]!["publicKey"]!["hint"] = ci.KeyId;
        Assert.Equal("bundle.signature-invalid", VendorSignatureVerifier.Verify(Encoding.UTF8.GetBytes(forged.ToJsonString()), Digest, keys).Status);

        var revoked = VendorSignatureVerifier.Verify(Bundle(old), Digest, keys);
        Assert.Equal(VendorSignatureVerifier.KeyRevoked, revoked.Status);
        Assert.Equal(old.KeyId, revoked.KeyId);
        Assert.Equal(VendorSignatureVerifier.KeyRevoked, VendorSignatureVerifier.Verify(WithoutHint(Bundle(old)), Digest, keys).Status);

        Assert.Equal(VendorSignatureVerifier.UnknownKey, VendorSignatureVerifier.Verify(Bundle(ci), Digest, []).Status);
        Assert.Equal("bundle.bad-bundle", VendorSignatureVerifier.Verify("not json"u8, Digest, keys).Status);
        Assert.Equal("bundle.bad-bundle", VendorSignatureVerifier.Verify("{\"mediaType\":1}"u8, Digest, keys).Status);
        Assert.Equal("bundle.too-large", VendorSignatureVerifier.Verify(new byte[SigstoreBundle.MaxBundleBytes + 1], Digest, keys).Status);
        Assert.Equal(VendorSignatureVerifier.NoArtifact, VendorSignatureVerifier.Verify(Bundle(ci), null, keys).Status);
        // The approval ticket's shape (a DSSE envelope) is not a signature over the file.
        Assert.Equal("bundle.not-message-signature",
            VendorSignatureVerifier.Verify(SigstoreBundle.WrapEnvelope(ci.KeyId, "{\"payloadType\":\"x\",\"payload\":\"\",\"signatures\":[]}"u8), Digest, keys).Status);
    }
}
