using System.Security.Cryptography;
using System.Text;
using Gatehouse.Analysis.Signing;

namespace Gatehouse.Analysis.Tests.Signing;

/// <summary>The verifier's trusted keys from PEM or the published JWKS; retired keys fail closed with their date.</summary>
public sealed class VerificationKeysTests
{
    private static readonly byte[] Sha = SHA256.HashData("artifact"u8);

    private static string Jwk(PublicKey key, string extra) => key.ToJwk()[..^1] + "," + extra + "}";

    [Fact]
    public void Pem_files_with_one_or_more_keys_are_trusted()
    {
        using var a = EcdsaP256Signer.Generate();
        using var b = EcdsaP256Signer.Generate();
        var keys = VerificationKeys.Parse(a.PublicKey.ToPem() + b.PublicKey.ToPem());
        Assert.Equal([a.KeyId, b.KeyId], keys.Trusted.Select(k => k.KeyId));
        var bundle = SigstoreBundle.CreateForDigest(b, Sha);
        Assert.True(keys.Verify(null, k => SigstoreBundle.VerifyDigest(k, bundle, Sha), out var used).Valid);
        Assert.Equal(b.KeyId, used!.KeyId);

        Assert.Equal("signing.bad-pem", Assert.Throws<SigningFormatException>(() => VerificationKeys.Parse(a.ExportPkcs8Pem())).Code);
        Assert.Equal("signing.bad-pem", Assert.Throws<SigningFormatException>(() => VerificationKeys.Parse("hello")).Code);
    }

    [Fact]
    public void A_jwks_trusts_keys_and_refuses_retired_ones_with_the_date()
    {
        using var active = EcdsaP256Signer.Generate();
        using var superseded = EcdsaP256Signer.Generate();
        using var retired = EcdsaP256Signer.Generate();
        using var stranger = EcdsaP256Signer.Generate();
        var jwks = $$"""
            {"keys":[{{Jwk(active.PublicKey, "\"status\":\"active\"")}},{{Jwk(superseded.PublicKey, "\"status\":\"superseded\"")}}],
             "retired":[{{Jwk(retired.PublicKey, "\"status\":\"retired\",\"retired\":\"2026-11-30T12:00:00Z\"")}}]}
            """;
        var keys = VerificationKeys.Parse(jwks);
        Assert.Equal(2, keys.Trusted.Count);

        foreach (var signer in new[] { active, superseded })
        {
            var bundle = SigstoreBundle.CreateForDigest(signer, Sha);
            Assert.True(keys.Verify(signer.KeyId, k => SigstoreBundle.VerifyDigest(k, bundle, Sha), out _).Valid);
        }

        var old = SigstoreBundle.CreateForDigest(retired, Sha);
        var byHint = keys.Verify(retired.KeyId, k => SigstoreBundle.VerifyDigest(k, old, Sha), out var used);
        Assert.Equal((false, VerificationKeys.KeyRetired), (byHint.Valid, byHint.Code));
        Assert.Contains("2026-11-30T12:00:00Z", byHint.Reason, StringComparison.Ordinal);
        Assert.Null(used);
        Assert.Equal(VerificationKeys.KeyRetired, keys.Verify(null, k => SigstoreBundle.VerifyDigest(k, old, Sha), out _).Code);
        // A lying hint (an active key's id on the retired key's signature) does not help.
        Assert.Equal(VerificationKeys.KeyRetired, keys.Verify(active.KeyId, k => SigstoreBundle.VerifyDigest(k, old, Sha), out _).Code);

        var foreign = SigstoreBundle.CreateForDigest(stranger, Sha);
        Assert.Equal("bundle.signature-invalid", keys.Verify(stranger.KeyId, k => SigstoreBundle.VerifyDigest(k, foreign, Sha), out _).Code);
    }

    [Fact]
    public void A_key_marked_retired_inside_keys_or_listed_twice_is_retired()
    {
        using var a = EcdsaP256Signer.Generate();
        using var b = EcdsaP256Signer.Generate();
        var keys = VerificationKeys.Parse($$"""
            {"keys":[{{Jwk(a.PublicKey, "\"status\":\"retired\"")}},{{b.PublicKey.ToJwk()}}],"retired":[{{b.PublicKey.ToJwk()}}]}
            """);
        Assert.Empty(keys.Trusted);
        var sig = SigstoreBundle.CreateForDigest(a, Sha);
        Assert.Equal(VerificationKeys.KeyRetired, keys.Verify(null, k => SigstoreBundle.VerifyDigest(k, sig, Sha), out _).Code);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"keys\":[]}")]
    [InlineData("{\"keys\":[{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}")]
    [InlineData("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"AA\",\"y\":\"AA\"}]}")]
    [InlineData("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\",\"y\":\"AAAA\"}]}")]
    [InlineData("{\"keys\":[")]
    public void Malformed_jwks_are_refused(string jwks) =>
        Assert.Equal(VerificationKeys.BadKeys, Assert.Throws<SigningFormatException>(() => VerificationKeys.Parse(jwks)).Code);

    [Fact]
    public void A_kid_that_is_not_the_thumbprint_and_a_point_off_the_curve_are_refused()
    {
        using var a = EcdsaP256Signer.Generate();
        using var b = EcdsaP256Signer.Generate();
        var lying = a.PublicKey.ToJwk().Replace(a.KeyId, b.KeyId, StringComparison.Ordinal);
        Assert.Equal(VerificationKeys.BadKeys, Assert.Throws<SigningFormatException>(() => VerificationKeys.Parse("{\"keys\":[" + lying + "]}")).Code);
        var x = PublicKeyX(a.PublicKey.ToJwk());
        var offCurve = $"{{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"{x}\",\"y\":\"{x}\"}}";
        Assert.Equal(VerificationKeys.BadKeys, Assert.Throws<SigningFormatException>(() => VerificationKeys.Parse("{\"keys\":[" + offCurve + "]}")).Code);
    }

    [Fact]
    public void Ticket_files_are_read_as_bundles_or_bare_envelopes()
    {
        using var signer = EcdsaP256Signer.Generate();
        var hex = Convert.ToHexStringLower(Sha);
        var ticket = new ApprovalTicket("a.zip", hex, "app", "1.0", new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), "p", "r");
        var envelope = ticket.Sign(signer);
        var keys = VerificationKeys.FromKey(signer.PublicKey);
        Assert.True(SignatureFiles.VerifyTicket(keys, SigstoreBundle.WrapEnvelope(signer.KeyId, envelope), hex, out var t1, out _).Valid);
        Assert.Equal(ticket, t1);
        Assert.True(SignatureFiles.VerifyTicket(keys, envelope, hex, out _, out _).Valid);
        Assert.Equal("ticket.digest-mismatch", SignatureFiles.VerifyTicket(keys, envelope, new string('0', 64), out var t2, out _).Code);
        Assert.Null(t2);
        Assert.Equal("ticket.bad-statement", SignatureFiles.VerifyTicket(keys, Encoding.UTF8.GetBytes("[1]"), hex, out _, out _).Code);
        Assert.Equal("ticket.bad-statement", SignatureFiles.VerifyTicket(keys, SigstoreBundle.CreateForDigest(signer, Sha), hex, out _, out _).Code);
    }

    private static string PublicKeyX(string jwk)
    {
        var i = jwk.IndexOf("\"x\":\"", StringComparison.Ordinal) + 5;
        return jwk[i..jwk.IndexOf('"', i)];
    }
}
