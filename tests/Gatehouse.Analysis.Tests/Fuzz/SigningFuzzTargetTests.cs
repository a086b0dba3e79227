using System.Text;
using Gatehouse.Analysis.Signing;
using Gatehouse.Analysis.Signing.Provenance;
using Gatehouse.Fuzz;

namespace Gatehouse.Analysis.Tests.Fuzz;

/// <summary>
/// The signing and registry harnesses reach what they fuzz: their generated seeds are accepted (a signature that verifies,
/// an image that is pulled), so afl's mutations start past the signature and transport checks; and what the registry
/// campaign found (JSON strings that are no text in a token response or a manifest), each ending in an
/// <c>ImageException</c> code instead of an <see cref="InvalidOperationException"/>.
/// </summary>
public sealed class SigningFuzzTargetTests
{
    private static byte[] Seed(Func<IEnumerable<(string, byte[])>> seeds, string name) => seeds().Single(s => s.Item1 == name).Item2;

    [Fact]
    public void The_signing_seeds_verify_with_the_fuzzing_key()
    {
        foreach (var (name, prov) in SigningHarness.ProvSeeds())
        {
            var result = HelmProvenance.Verify(Encoding.UTF8.GetString(prov), SigningHarness.Chart, SigningHarness.ChartFile, SigningKeys.Keyring);
            Assert.True(result.Valid, name + ": " + result.Detail);
        }
        foreach (var (name, body) in SigningHarness.ProvBodySeeds().Where(s => s.Item1 != "two-files.yaml"))
        {
            var result = HelmProvenance.Verify(SigningKeys.ClearSign(Encoding.UTF8.GetString(body)), SigningHarness.Chart, SigningHarness.ChartFile, SigningKeys.Keyring);
            Assert.True(result.Valid, name + ": " + result.Detail);
        }
        foreach (var (_, ring) in SigningHarness.KeyringSeeds())
            Assert.Equal(1, HelmProvenance.ReadPublicKeyring(ring).Count);
        Assert.True(SigstoreBundle.VerifyDigest(SigningKeys.Key, Seed(SigningHarness.BundleSeeds, "message.sigstore.json"), SigningHarness.ArtifactSha256).Valid);
        var keys = VerificationKeys.FromKey(SigningKeys.Key);
        Assert.True(SignatureFiles.VerifyTicket(keys, Seed(SigningHarness.DsseSeeds, "ticket.dsse.json"), SigningHarness.ArtifactHex, out _, out _).Valid);
        Assert.True(SignatureFiles.VerifyTicket(keys, Seed(SigningHarness.BundleSeeds, "ticket.sigstore.json"), SigningHarness.ArtifactHex, out _, out _).Valid);
        var statement = Seed(SigningHarness.TicketSeeds, "statement.json");
        Assert.True(ApprovalTicket.Verify(SigningKeys.Key, Dsse.Sign(SigningKeys.Signer, Dsse.InTotoPayloadType, statement), SigningHarness.ArtifactHex, out _).Valid);
        var payload = Seed(SigningHarness.CosignSeeds, "payload.json");
        Assert.True(CosignSignature.Verify(SigningKeys.Key, payload, Convert.ToBase64String(SigningKeys.Signer.Sign(payload)), SigningHarness.ManifestDigest).Valid);
        foreach (var (_, file) in SigningHarness.VerificationKeySeeds())
            Assert.Contains(VerificationKeys.Parse(Encoding.UTF8.GetString(file)).Trusted, k => k.KeyId == SigningKeys.Key.KeyId);
    }

    [Fact]
    public void The_registry_seeds_pull_the_image_and_find_a_valid_signature()
    {
        Assert.All(RegistryHarness.ManifestSeeds(), s => Assert.Null(RegistryHarness.ManifestRefusal(s.Item2)));
        Assert.All(RegistryHarness.TokenSeeds(), s => Assert.Null(RegistryHarness.TokenRefusal(s.Item2)));
        var checks = RegistryHarness.GoodSignatures();
        Assert.Single(checks);
        Assert.True(checks[0].Valid, checks[0].Reason);
    }

    [Theory]
    [InlineData("""{"token":"\ud800"}""")]
    [InlineData("""{"access_token":"\udc00x"}""")]
    [InlineData("{\"token\":\"\"}")]
    [InlineData("[]")]
    [InlineData("""{"access_token":"t0k\n"}""")]
    [InlineData("""{"token":"a b"}""")]
    [InlineData("""{"token":"t\u0000"}""")]
    public void A_token_response_that_is_no_text_no_token_or_no_header_value_is_a_protocol_error(string body) =>
        Assert.Equal("registry.protocol", RegistryHarness.TokenRefusal(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void A_token_response_that_is_not_utf8_or_nested_deeply_is_a_protocol_error()
    {
        Assert.Equal("registry.protocol", RegistryHarness.TokenRefusal([.. "{\"token\":\""u8, 0xC3, 0x28, .. "\"}"u8]));
        Assert.Equal("registry.protocol", RegistryHarness.TokenRefusal(Encoding.ASCII.GetBytes(new string('[', 60_000))));
        Assert.Equal("image.limit", RegistryHarness.TokenRefusal(Encoding.ASCII.GetBytes(new string('[', 100_000))));
    }

    [Fact]
    public void A_manifest_whose_media_type_is_no_text_is_a_protocol_error()
    {
        Assert.Equal("registry.protocol", RegistryHarness.ManifestRefusal(Encoding.UTF8.GetBytes("""{"schemaVersion":2,"mediaType":"\ud800"}""")));
        Assert.Equal("registry.protocol", RegistryHarness.ManifestRefusal([.. "{\"mediaType\":\""u8, 0xFF, .. "\"}"u8]));
    }
}
