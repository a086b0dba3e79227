using System.Security.Cryptography;
using System.Text;
using Gatehouse.Analysis.Signing;
using Gatehouse.Analysis.Signing.Provenance;
using Org.BouncyCastle.Bcpg;
using static Gatehouse.Fuzz.SeedFiles;

namespace Gatehouse.Fuzz;

/// <summary>
/// The readers of signing material a vendor (or anyone on the way) hands Gatehouse: Helm provenance files and OpenPGP
/// keyrings, Sigstore bundles, DSSE envelopes, approval tickets (in-toto statements), cosign simple-signing payloads and
/// verification key files. Their documented refusals: a result with a stable code (<see cref="SignatureCheck"/>,
/// <see cref="ProvenanceVerification"/>: the verifiers never throw for hostile input), <see cref="InvalidDataException"/>
/// from <see cref="HelmProvenance.ReadPublicKeyring"/> and <see cref="SigningFormatException"/> from
/// <see cref="VerificationKeys.Parse"/>. Where a signature guards the parser (the .prov body, the ticket's statement, the
/// cosign payload), the harness signs the fuzzer's bytes with <see cref="SigningKeys"/> first, so they reach it.
/// </summary>
internal static class SigningHarness
{
    public const string ChartFile = "demo-0.1.0.tgz";

    public const string ChartYaml = "apiVersion: v2\nname: demo\ndescription: A Helm chart\ntype: application\nversion: 0.1.0\nappVersion: \"1.16.0\"\n";

    /// <summary>The chart archive the .prov targets check (its bytes only matter as a digest).</summary>
    public static readonly byte[] Chart = Utf8("a chart archive, only bytes to digest");

    /// <summary>The artifact the bundle, DSSE and ticket targets are checked against.</summary>
    public static readonly byte[] ArtifactSha256 = SHA256.HashData(Utf8("demo-1.0.zip"));

    public static string ArtifactHex => Convert.ToHexStringLower(ArtifactSha256);

    public static readonly string ManifestDigest = Sha256(Utf8("a manifest"));

    private static readonly Lazy<string> ValidProv = new(() => OpenPgpKey.SignProvenance(SigningKeys.Signer, SigningKeys.Created, Chart, ChartFile, ChartYaml));

    private static readonly Lazy<VerificationKeys> Keys = new(() => VerificationKeys.FromKey(SigningKeys.Key));

    /// <summary><c>HelmProvenance.Verify</c> on the input as the .prov text (the clear-signed armor, the signature packet).</summary>
    public static void Prov(byte[] data) =>
        HelmProvenance.Verify(Encoding.UTF8.GetString(data), Chart, ChartFile, SigningKeys.Keyring);

    /// <summary><c>HelmProvenance.Verify</c> on the input as the signed body (Chart.yaml, <c>...</c>, the file digests), clear-signed here.</summary>
    public static void ProvBody(byte[] data) =>
        HelmProvenance.Verify(SigningKeys.ClearSign(Encoding.UTF8.GetString(data)), Chart, ChartFile, SigningKeys.Keyring);

    /// <summary><c>HelmProvenance.ReadPublicKeyring</c> (<see cref="InvalidDataException"/>), then a good .prov checked against it.</summary>
    public static void Keyring(byte[] data)
    {
        Org.BouncyCastle.Bcpg.OpenPgp.PgpPublicKeyRingBundle ring;
        try
        {
            ring = HelmProvenance.ReadPublicKeyring(data);
        }
        catch (InvalidDataException)
        {
            return;
        }
        HelmProvenance.Verify(ValidProv.Value, Chart, ChartFile, ring);
    }

    /// <summary><c>SigstoreBundle.VerifyDigest</c> and <c>SignatureFiles.KeyHint</c>: results, nothing throws.</summary>
    public static void Bundle(byte[] data)
    {
        SigstoreBundle.VerifyDigest(SigningKeys.Key, data, ArtifactSha256);
        SignatureFiles.KeyHint(data);
    }

    /// <summary><c>Dsse.Verify</c>, then the input as a ticket file (<c>SignatureFiles.VerifyTicket</c>: bundle or bare envelope).</summary>
    public static void Dsse(byte[] data)
    {
        Analysis.Signing.Dsse.Verify(SigningKeys.Key, data, Analysis.Signing.Dsse.InTotoPayloadType, out _);
        SignatureFiles.VerifyTicket(Keys.Value, data, ArtifactHex, out _, out _);
    }

    /// <summary>The input as the ticket's in-toto statement, signed into an envelope here: <c>ApprovalTicket.Verify</c>, then the bundle-wrapped file.</summary>
    public static void Ticket(byte[] data)
    {
        var envelope = Analysis.Signing.Dsse.Sign(SigningKeys.Signer, Analysis.Signing.Dsse.InTotoPayloadType, data);
        ApprovalTicket.Verify(SigningKeys.Key, envelope, ArtifactHex, out _);
        if (envelope.Length <= SigstoreBundle.MaxBundleBytes)
            SignatureFiles.VerifyTicket(Keys.Value, SigstoreBundle.WrapEnvelope(SigningKeys.Signer.KeyId, envelope), ArtifactHex, out _, out _);
    }

    /// <summary>The input as a cosign simple-signing payload, signed here: <c>CosignSignature.Verify</c>.</summary>
    public static void Cosign(byte[] data) =>
        CosignSignature.Verify(SigningKeys.Key, data, Convert.ToBase64String(SigningKeys.Signer.Sign(data)), ManifestDigest);

    /// <summary><c>VerificationKeys.Parse</c> (JWKS or PEM; <see cref="SigningFormatException"/>).</summary>
    public static void VerificationKeyFile(byte[] data)
    {
        try
        {
            VerificationKeys.Parse(Encoding.UTF8.GetString(data));
        }
        catch (SigningFormatException)
        {
        }
    }

    public static IEnumerable<(string, byte[])> ProvSeeds()
    {
        yield return ("demo.prov", Utf8(ValidProv.Value));
        // A Chart.yaml line that starts with '-' (dash-escaped in the clear text) and a comment.
        yield return ("dash-escaped.prov", Utf8(OpenPgpKey.SignProvenance(SigningKeys.Signer, SigningKeys.Created, Chart, ChartFile,
            "apiVersion: v2\nname: demo\n# a comment\nkeywords:\n- one\n- two\nversion: 0.1.0\n")));
        yield return ("bc-signed.prov", Utf8(SigningKeys.ClearSign(HelmProvenance.Body(Chart, ChartFile, ChartYaml))));
    }

    public static IEnumerable<(string, byte[])> ProvBodySeeds()
    {
        yield return ("body.yaml", Utf8(HelmProvenance.Body(Chart, ChartFile, ChartYaml)));
        yield return ("two-files.yaml", Utf8(HelmProvenance.Body(Chart, ChartFile, ChartYaml).TrimEnd('\n') + "\n  other-1.0.0.tgz: sha256:" + new string('0', 64) + "\n"));
        yield return ("flow.yaml", Utf8(ChartYaml + "\n...\nfiles: {" + ChartFile + ": 'sha256:" + Convert.ToHexStringLower(SHA256.HashData(Chart)) + "'}\n"));
    }

    public static IEnumerable<(string, byte[])> KeyringSeeds()
    {
        var ring = SigningKeys.KeyringBytes;
        yield return ("pubring.gpg", ring);
        using var output = new MemoryStream();
        using (var armor = new ArmoredOutputStream(output)) armor.Write(ring);
        yield return ("pubring.asc", output.ToArray());
    }

    private static ApprovalTicket SampleTicket => new("demo-1.0.zip", ArtifactHex, "demo", "1.0",
        new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), "sha256:" + new string('a', 64), "sha256:" + new string('b', 64));

    public static IEnumerable<(string, byte[])> BundleSeeds()
    {
        yield return ("message.sigstore.json", SigstoreBundle.CreateForDigest(SigningKeys.Signer, ArtifactSha256));
        yield return ("ticket.sigstore.json", SigstoreBundle.WrapEnvelope(SigningKeys.Signer.KeyId, SampleTicket.Sign(SigningKeys.Signer)));
    }

    public static IEnumerable<(string, byte[])> DsseSeeds()
    {
        var envelope = SampleTicket.Sign(SigningKeys.Signer);
        yield return ("ticket.dsse.json", envelope);
        yield return ("ticket.sigstore.json", SigstoreBundle.WrapEnvelope(SigningKeys.Signer.KeyId, envelope));
        yield return ("other-type.dsse.json", Analysis.Signing.Dsse.Sign(SigningKeys.Signer, "text/plain", Utf8("hello")));
    }

    public static IEnumerable<(string, byte[])> TicketSeeds()
    {
        yield return ("statement.json", SampleTicket.ToStatement());
    }

    public static IEnumerable<(string, byte[])> CosignSeeds()
    {
        yield return ("payload.json", CosignSignature.CreatePayload("gatehouse.test/demo/app", ManifestDigest));
    }

    public static IEnumerable<(string, byte[])> VerificationKeySeeds()
    {
        yield return ("key.pem", Utf8(SigningKeys.Key.ToPem()));
        var other = SigningKeys.Other;
        yield return ("keys.jwks.json", Utf8($$"""{"keys":[{{SigningKeys.Key.ToJwk()}}],"retired":[{{other.PublicKey.ToJwk().TrimEnd('}')}},"retired":"2026-01-01T00:00:00Z"}]}"""));
        yield return ("two-keys.pem", Utf8(SigningKeys.Key.ToPem() + other.PublicKey.ToPem()));
    }
}
