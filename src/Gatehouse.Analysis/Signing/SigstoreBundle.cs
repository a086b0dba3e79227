using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Signing;

/// <summary>
/// A Sigstore bundle v0.3 for a downloadable file: a <c>messageSignature</c> over the file's SHA-256 digest, the
/// verification material is a public-key hint (our key id), no transparency log entry. Verifiable offline by
/// <c>@sigstore/verify</c> (and cosign <c>verify-blob --bundle --key --insecure-ignore-tlog</c>) with our public key.
/// </summary>
public static class SigstoreBundle
{
    /// <summary>The v0.3 media type we write.</summary>
    public const string MediaType = "application/vnd.dev.sigstore.bundle.v0.3+json";

    /// <summary>Bundles beyond this size are refused before parsing.</summary>
    public const int MaxBundleBytes = 1024 * 1024;

    private static readonly HashSet<string> AcceptedMediaTypes =
    [
        MediaType,
        "application/vnd.dev.sigstore.bundle+json;version=0.1",
        "application/vnd.dev.sigstore.bundle+json;version=0.2",
        "application/vnd.dev.sigstore.bundle+json;version=0.3",
    ];

    /// <summary>Hashes <paramref name="artifact"/> (streamed) and returns the bundle JSON.</summary>
    public static byte[] Create(ISigner signer, Stream artifact)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        return CreateForDigest(signer, SHA256.HashData(artifact));
    }

    /// <summary>The bundle JSON for a file whose SHA-256 is <paramref name="sha256"/> (32 bytes).</summary>
    public static byte[] CreateForDigest(ISigner signer, ReadOnlySpan<byte> sha256)
    {
        ArgumentNullException.ThrowIfNull(signer);
        if (sha256.Length != 32) throw new ArgumentException("a SHA-256 digest is 32 bytes", nameof(sha256));
        var signature = signer.SignDigest(sha256);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Dsse.WriterOptions))
        {
            w.WriteStartObject();
            WriteHeader(w, signer.KeyId);
            w.WriteStartObject("messageSignature");
            w.WriteStartObject("messageDigest");
            w.WriteString("algorithm", "SHA2_256");
            w.WriteString("digest", Convert.ToBase64String(sha256));
            w.WriteEndObject();
            w.WriteString("signature", Convert.ToBase64String(signature));
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Wraps a signed DSSE envelope (e.g. an <see cref="ApprovalTicket"/>) in a bundle v0.3 with the public-key hint
    /// <paramref name="keyId"/>, so Sigstore clients verify it too; the envelope is copied, its signed payload untouched.
    /// </summary>
    public static byte[] WrapEnvelope(string keyId, ReadOnlySpan<byte> envelope)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        if (envelope.Length > MaxBundleBytes) throw new SigningFormatException("signing.too-large", "envelope exceeds 1 MiB");
        using var doc = JsonDocument.Parse(envelope.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Dsse.WriterOptions))
        {
            w.WriteStartObject();
            WriteHeader(w, keyId);
            w.WritePropertyName("dsseEnvelope");
            doc.RootElement.WriteTo(w);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The members every bundle of ours starts with: the media type and the public-key hint (our key id).</summary>
    private static void WriteHeader(Utf8JsonWriter w, string keyId)
    {
        w.WriteString("mediaType", MediaType);
        w.WriteStartObject("verificationMaterial");
        w.WriteStartObject("publicKey");
        w.WriteString("hint", keyId);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Verifies <paramref name="bundle"/> against the file <paramref name="artifact"/> (hashed while streaming).</summary>
    public static SignatureCheck Verify(PublicKey key, ReadOnlySpan<byte> bundle, Stream artifact)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        return VerifyDigest(key, bundle, SHA256.HashData(artifact));
    }

    /// <summary>
    /// Verifies <paramref name="bundle"/> for a file with SHA-256 <paramref name="sha256"/>: a known media type, a
    /// SHA2_256 message digest equal to the file's, and a signature over it by <paramref name="key"/>.
    /// </summary>
    public static SignatureCheck VerifyDigest(PublicKey key, ReadOnlySpan<byte> bundle, ReadOnlySpan<byte> sha256)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (bundle.Length > MaxBundleBytes) return SignatureCheck.Fail("bundle.too-large", "bundle exceeds 1 MiB");
        try
        {
            using var doc = StrictJson.Parse(bundle.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            if (!AcceptedMediaTypes.Contains(root.GetProperty("mediaType").GetString() ?? ""))
                return SignatureCheck.Fail("bundle.unsupported-media-type", "not a Sigstore bundle v0.1-v0.3");
            if (!root.TryGetProperty("messageSignature", out var message))
                return SignatureCheck.Fail("bundle.not-message-signature", "bundle holds no messageSignature");
            var digest = message.GetProperty("messageDigest");
            if (digest.GetProperty("algorithm").GetString() != "SHA2_256")
                return SignatureCheck.Fail("bundle.unsupported-digest", "message digest is not SHA2_256");
            if (!Base64.TryDecode(digest.GetProperty("digest").GetString(), 64, out var signed) || signed.Length != 32)
                return SignatureCheck.Fail("bundle.bad-bundle", "message digest is not 32 bytes of base64");
            if (!CryptographicOperations.FixedTimeEquals(signed, sha256))
                return SignatureCheck.Fail("bundle.digest-mismatch", "the bundle signs another file");
            if (!Base64.TryDecode(message.GetProperty("signature").GetString(), 256, out var signature))
                return SignatureCheck.Fail("bundle.bad-bundle", "signature is not base64");
            return key.VerifyDigest(signed, signature) ? SignatureCheck.Ok
                : SignatureCheck.Fail("bundle.signature-invalid", "signature does not verify with the key");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return SignatureCheck.Fail("bundle.bad-bundle", "not a Sigstore bundle");
        }
    }
}
