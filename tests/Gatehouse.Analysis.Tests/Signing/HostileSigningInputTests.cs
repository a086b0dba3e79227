using System.Text;
using Gatehouse.Analysis.Signing;
using Gatehouse.Fuzz;

namespace Gatehouse.Analysis.Tests.Signing;

/// <summary>
/// Hostile Sigstore bundles, DSSE envelopes, approval tickets, cosign payloads and key files that afl is unlikely to build
/// (docs/fuzzing.md), and what the signing campaign found: deep nesting, huge base64 fields, a 10,000-entry certificate
/// chain, 10,000 signatures, payload type and payload disagreeing, JSON strings that are no text. Each ends in the reader's
/// documented refusal (a <see cref="SignatureCheck"/> code, <see cref="SigningFormatException"/>), without throwing
/// anything else. Signed parts are signed with the fuzzing key (<see cref="SigningKeys"/>) so they reach the reader.
/// </summary>
public sealed class HostileSigningInputTests
{
    private static readonly PublicKey Key = SigningKeys.Key;
    private static readonly byte[] Sha = SigningHarness.ArtifactSha256;
    private static string Hex => SigningHarness.ArtifactHex;

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static string B64(byte[] b) => Convert.ToBase64String(b);

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    // "\ud800": an escaped lone surrogate, well-formed JSON that is no text.
    private const string LoneSurrogate = "\\ud800";

    private static string MessageSignature => $$"""
        "messageSignature":{"messageDigest":{"algorithm":"SHA2_256","digest":"{{B64(Sha)}}"},"signature":"{{B64(SigningKeys.Signer.SignDigest(Sha))}}"}
        """;

    [Fact]
    public void A_bundle_with_a_10000_entry_certificate_chain_is_read_within_the_size_bound()
    {
        var chain = string.Join(',', Enumerable.Range(0, 10_000).Select(i => $$"""{"rawBytes":"MIIB{{i:x}}"}"""));
        var bundle = Utf8($$"""{"mediaType":"{{SigstoreBundle.MediaType}}","verificationMaterial":{"x509CertificateChain":{"certificates":[{{chain}}]} },{{MessageSignature}} }""");
        Assert.True(bundle.Length < SigstoreBundle.MaxBundleBytes);

        // Verified with the caller's key only: a chain carries no trust here, so the signature decides.
        Assert.True(SigstoreBundle.VerifyDigest(Key, bundle, Sha).Valid);
        Assert.Null(SignatureFiles.KeyHint(bundle));

        // Five times the chain is over the bundle's limit: refused before parsing.
        var tooBig = Utf8($$"""{"mediaType":"{{SigstoreBundle.MediaType}}","verificationMaterial":{"x509CertificateChain":{"certificates":[{{chain}},{{chain}},{{chain}},{{chain}},{{chain}}]} },{{MessageSignature}} }""");
        Assert.Equal("bundle.too-large", SigstoreBundle.VerifyDigest(Key, tooBig, Sha).Code);
    }

    [Fact]
    public void Deeply_nested_json_is_refused_by_every_reader()
    {
        var deep = Utf8(Nested(100_000));
        var deepObject = Utf8("{\"mediaType\":" + Nested(1_000) + "}");

        Assert.Equal("bundle.bad-bundle", SigstoreBundle.VerifyDigest(Key, deep, Sha).Code);
        Assert.Equal("bundle.bad-bundle", SigstoreBundle.VerifyDigest(Key, deepObject, Sha).Code);
        Assert.Equal("dsse.bad-envelope", Dsse.Verify(Key, deep, Dsse.InTotoPayloadType, out _).Code);
        Assert.Null(SignatureFiles.KeyHint(deep));
        Assert.Null(SignatureFiles.TicketEnvelope(deepObject));
        Assert.Equal("ticket.bad-statement", SignatureFiles.VerifyTicket(VerificationKeys.FromKey(Key), deep, Hex, out _, out _).Code);
        Assert.Equal("ticket.bad-statement", ApprovalTicket.Verify(Key, Dsse.Sign(SigningKeys.Signer, Dsse.InTotoPayloadType, deep), Hex, out _).Code);
        Assert.Equal("cosign.bad-payload", Cosign(Utf8(Nested(30_000))).Code);
        Assert.Equal(VerificationKeys.BadKeys, Assert.Throws<SigningFormatException>(() => VerificationKeys.Parse("{\"keys\":" + Nested(100_000) + "}")).Code);
    }

    [Fact]
    public void Huge_base64_fields_are_refused_without_decoding_them_unbounded()
    {
        var huge = new string('A', 1_000_000);
        var bundle = Utf8($$"""{"mediaType":"{{SigstoreBundle.MediaType}}","messageSignature":{"messageDigest":{"algorithm":"SHA2_256","digest":"{{huge}}"},"signature":"AAAA"} }""");
        Assert.Equal("bundle.bad-bundle", SigstoreBundle.VerifyDigest(Key, bundle, Sha).Code);
        var signature = Utf8($$"""{"mediaType":"{{SigstoreBundle.MediaType}}","messageSignature":{"messageDigest":{"algorithm":"SHA2_256","digest":"{{B64(Sha)}}"},"signature":"{{huge}}"} }""");
        Assert.Equal("bundle.bad-bundle", SigstoreBundle.VerifyDigest(Key, signature, Sha).Code);

        // A payload near the envelope's limit is decoded (bounded by it); its huge signature is not.
        var envelope = Utf8($$"""{"payload":"{{huge}}","payloadType":"{{Dsse.InTotoPayloadType}}","signatures":[{"keyid":"k","sig":"{{huge[..40_000]}}"}]}""");
        Assert.Equal("dsse.signature-invalid", Dsse.Verify(Key, envelope, Dsse.InTotoPayloadType, out _).Code);
        Assert.Equal("dsse.too-large", Dsse.Verify(Key, Utf8(huge + huge), Dsse.InTotoPayloadType, out _).Code);
        Assert.Equal("cosign.bad-signature-encoding", CosignSignature.Verify(Key, Utf8("{}"), huge, SigningHarness.ManifestDigest).Code);
    }

    [Fact]
    public void Ten_thousand_signatures_are_not_all_checked()
    {
        var sigs = string.Join(',', Enumerable.Repeat($$"""{"keyid":"","sig":"{{B64(new byte[9])}}"}""", 10_000));
        var envelope = Utf8($$"""{"payload":"e30=","payloadType":"{{Dsse.InTotoPayloadType}}","signatures":[{{sigs}}]}""");

        Assert.Equal("dsse.signature-invalid", Dsse.Verify(Key, envelope, Dsse.InTotoPayloadType, out _).Code);
    }

    [Fact]
    public void Payload_type_and_payload_that_disagree_are_refused()
    {
        var statement = SampleStatement();
        // The envelope claims in-toto, the signature covers another type: PAE binds the type, so nothing verifies.
        var signedAsText = Dsse.Sign(SigningKeys.Signer, "text/plain", statement);
        var relabelled = Utf8(Encoding.UTF8.GetString(signedAsText).Replace("\"text/plain\"", $"\"{Dsse.InTotoPayloadType}\"", StringComparison.Ordinal));
        Assert.Equal("dsse.signature-invalid", Dsse.Verify(Key, relabelled, Dsse.InTotoPayloadType, out _).Code);
        // Signed honestly as another type: the wrong payload type, named.
        Assert.Equal("dsse.wrong-payload-type", Dsse.Verify(Key, signedAsText, Dsse.InTotoPayloadType, out _).Code);
        // In-toto by type, but the payload is no statement (YAML, binary, an array, JSON that is no text).
        foreach (var payload in (byte[][])[Utf8("_type: x\n"), [0xFF, 0xFE, 0x00], Utf8("[1]"), Utf8($$"""{"_type":"{{LoneSurrogate}}"}""")])
            Assert.Equal("ticket.bad-statement", ApprovalTicket.Verify(Key, Dsse.Sign(SigningKeys.Signer, Dsse.InTotoPayloadType, payload), Hex, out _).Code);
        // A payload type that is no string, a payload that is no base64.
        Assert.Equal("dsse.bad-envelope", Dsse.Verify(Key, Utf8("""{"payload":"e30=","payloadType":7,"signatures":[]}"""), Dsse.InTotoPayloadType, out _).Code);
        Assert.Equal("dsse.bad-envelope", Dsse.Verify(Key, Utf8("""{"payload":"%%%","payloadType":"x","signatures":[]}"""), Dsse.InTotoPayloadType, out _).Code);
        Assert.Equal("dsse.bad-envelope", Dsse.Verify(Key, Utf8($$"""{"payload":"e30=","payloadType":"{{LoneSurrogate}}","signatures":[]}"""), Dsse.InTotoPayloadType, out _).Code);
    }

    [Fact]
    public void A_ticket_whose_claims_are_not_strings_or_whose_time_leaves_the_calendar_is_a_bad_statement()
    {
        foreach (var (from, to) in (ValueTuple<string, string>[])[
            ("\"2026-12-01T00:00:00Z\"", "\"0001-01-01T00:00:00+05:00\""),
            ("\"2026-12-01T00:00:00Z\"", "\"9999-12-31T23:59:59-05:00\""),
            ("\"2026-12-01T00:00:00Z\"", "\"not a time\""),
            ("\"app\":\"demo\"", "\"app\":null"),
            ("\"app\":\"demo\"", "\"app\":1"),
            ("\"name\":\"demo-1.0.zip\"", "\"name\":null"),
        ])
        {
            var statement = Utf8(Encoding.UTF8.GetString(SampleStatement()).Replace(from, to, StringComparison.Ordinal));
            Assert.NotEqual(SampleStatement(), statement);
            var check = ApprovalTicket.Verify(Key, Dsse.Sign(SigningKeys.Signer, Dsse.InTotoPayloadType, statement), Hex, out var ticket);
            Assert.Equal("ticket.bad-statement", check.Code);
            Assert.Null(ticket);
        }
    }

    [Fact]
    public void Ticket_files_whose_strings_are_no_text_are_refused_not_thrown()
    {
        var keys = VerificationKeys.FromKey(Key);
        // The key hint and the envelope's key id were read with JsonDocument and GetString: InvalidOperationException.
        var envelope = Encoding.UTF8.GetString(SampleTicket().Sign(SigningKeys.Signer));
        var hint = Utf8($$"""{"mediaType":"{{SigstoreBundle.MediaType}}","verificationMaterial":{"publicKey":{"hint":"{{LoneSurrogate}}"} },"dsseEnvelope":{{envelope}} }""");
        var keyId = Utf8(envelope.Replace($"\"keyid\":\"{Key.KeyId}\"", $"\"keyid\":\"{LoneSurrogate}\"", StringComparison.Ordinal));

        Assert.Null(SignatureFiles.KeyHint(hint));
        Assert.Null(SignatureFiles.TicketEnvelope(hint));
        Assert.Equal("ticket.bad-statement", SignatureFiles.VerifyTicket(keys, hint, Hex, out _, out _).Code);
        Assert.Equal("ticket.bad-statement", SignatureFiles.VerifyTicket(keys, keyId, Hex, out _, out _).Code);
        Assert.Equal("bundle.bad-bundle", SigstoreBundle.VerifyDigest(Key, hint, Sha).Code);
        Assert.Null(SignatureFiles.KeyHint([0xC3, 0x28]));
    }

    [Fact]
    public void A_cosign_payload_whose_strings_are_no_text_is_a_bad_payload()
    {
        var payload = Utf8($$"""{"critical":{"identity":{"docker-reference":"x"},"image":{"docker-manifest-digest":"{{LoneSurrogate}}"},"type":"{{CosignSignature.PayloadType}}"},"optional":null}""");

        Assert.Equal("cosign.bad-payload", Cosign(payload).Code);
        Assert.Equal("cosign.bad-payload", Cosign([0x7B, 0xC3, 0x28, 0x7D]).Code);
    }

    [Fact]
    public void A_jwks_whose_strings_are_no_text_is_a_bad_key_file()
    {
        foreach (var jwks in (string[])[$$"""{"keys":[{"kty":"{{LoneSurrogate}}"}]}""", $$"""{"keys":[{{Key.ToJwk()}}],"retired":[{"kty":"EC","crv":"P-256","x":"{{LoneSurrogate}}"}]}"""])
            Assert.Equal(VerificationKeys.BadKeys, Assert.Throws<SigningFormatException>(() => VerificationKeys.Parse(jwks)).Code);
    }

    [Fact]
    public void A_pem_key_on_a_curve_the_platform_does_not_know_is_a_bad_key()
    {
        // Found by the verification-keys fuzzer: P-256's OID with one byte changed (1.2.1096.10045.3.1.7) made OpenSSL's
        // import throw PlatformNotSupportedException, not CryptographicException.
        var der = Key.SubjectPublicKeyInfo.ToArray();
        var oid = der.AsSpan().IndexOf((byte[])[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]);
        Assert.True(oid > 0);
        der[oid + 1] = 0x88;
        var pem = System.Security.Cryptography.PemEncoding.WriteString("PUBLIC KEY", der);

        Assert.Equal(VerificationKeys.BadKeys, Assert.Throws<SigningFormatException>(() => VerificationKeys.Parse(pem)).Code);
        Assert.Equal("signing.bad-key", Assert.Throws<SigningFormatException>(() => PublicKey.FromPem(pem)).Code);
    }

    private static SignatureCheck Cosign(byte[] payload) =>
        CosignSignature.Verify(Key, payload, B64(SigningKeys.Signer.Sign(payload)), SigningHarness.ManifestDigest);

    private static ApprovalTicket SampleTicket() => new("demo-1.0.zip", Hex, "demo", "1.0",
        new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), "sha256:" + new string('a', 64), "sha256:" + new string('b', 64));

    private static byte[] SampleStatement() => SampleTicket().ToStatement();
}
