using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Signing;

/// <summary>
/// cosign's key-based ("legacy" <c>sha256-&lt;hex&gt;.sig</c>) image signature: the simple-signing payload, byte for byte
/// what cosign emits (field set and order of sigstore's <c>payload.Cosign</c>, <c>optional: null</c>), and a DER ECDSA
/// signature over those exact bytes, base64 in the layer annotation <c>dev.cosignproject.cosign/signature</c>.
/// </summary>
public sealed partial class CosignSignature
{
    /// <summary>The <c>critical.type</c> cosign writes and checks.</summary>
    public const string PayloadType = "cosign container image signature";

    /// <summary>Media type of the signature layer that carries the payload.</summary>
    public const string LayerMediaType = "application/vnd.dev.cosign.simplesigning.v1+json";

    /// <summary>Layer annotation holding the base64 signature.</summary>
    public const string SignatureAnnotation = "dev.cosignproject.cosign/signature";

    /// <summary>Payloads beyond this size are refused before parsing.</summary>
    public const int MaxPayloadBytes = 64 * 1024;

    private CosignSignature(byte[] payload, string signatureBase64)
    {
        Payload = payload;
        SignatureBase64 = signatureBase64;
    }

    /// <summary>The exact payload bytes (the layer blob); the signature covers these, never re-serialize them.</summary>
    public byte[] Payload { get; }

    /// <summary>The DER signature, base64 (the annotation's value).</summary>
    public string SignatureBase64 { get; }

    /// <summary>The tag cosign looks for: <c>sha256-&lt;hex&gt;.sig</c>.</summary>
    public static string SignatureTag(string manifestDigest) => ValidDigest(manifestDigest).Replace(':', '-') + ".sig";

    /// <summary>
    /// The simple-signing payload for <paramref name="dockerReference"/> (repository without tag or digest) and
    /// <paramref name="manifestDigest"/> (<c>sha256:&lt;64 hex&gt;</c>).
    /// </summary>
    public static byte[] CreatePayload(string dockerReference, string manifestDigest)
    {
        ArgumentException.ThrowIfNullOrEmpty(dockerReference);
        if (dockerReference.Length > 1024) throw new SigningFormatException("signing.bad-reference", "image reference too long");
        var json = "{\"critical\":{\"identity\":{\"docker-reference\":" + JsonString(dockerReference)
                   + "},\"image\":{\"docker-manifest-digest\":\"" + ValidDigest(manifestDigest)
                   + "\"},\"type\":\"" + PayloadType + "\"},\"optional\":null}";
        return Encoding.UTF8.GetBytes(json);
    }

    /// <summary>Builds the payload and signs it.</summary>
    public static CosignSignature Sign(ISigner signer, string dockerReference, string manifestDigest)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var payload = CreatePayload(dockerReference, manifestDigest);
        return new CosignSignature(payload, Convert.ToBase64String(signer.Sign(payload)));
    }

    /// <summary>
    /// Verifies as cosign's <c>SimpleClaimVerifier</c> does: the signature over the exact payload bytes with
    /// <paramref name="key"/>, then <c>critical.type</c> and <c>critical.image.docker-manifest-digest ==</c>
    /// <paramref name="expectedDigest"/>. The docker-reference is not checked (cosign ignores it too).
    /// </summary>
    public static SignatureCheck Verify(PublicKey key, ReadOnlySpan<byte> payload, string signatureBase64, string expectedDigest)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (payload.Length > MaxPayloadBytes) return SignatureCheck.Fail("cosign.payload-too-large", "payload exceeds 64 KiB");
        if (!Base64.TryDecode(signatureBase64, 256, out var sig)) return SignatureCheck.Fail("cosign.bad-signature-encoding", "signature is not base64");
        if (!key.Verify(payload, sig)) return SignatureCheck.Fail("cosign.signature-invalid", "signature does not verify with the key");
        try
        {
            using var doc = StrictJson.Parse(payload.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
            var critical = doc.RootElement.GetProperty("critical");
            if (critical.GetProperty("type").GetString() != PayloadType)
                return SignatureCheck.Fail("cosign.wrong-type", "critical.type is not a cosign container image signature");
            var digest = critical.GetProperty("image").GetProperty("docker-manifest-digest").GetString();
            if (!string.Equals(digest, expectedDigest, StringComparison.Ordinal))
                return SignatureCheck.Fail("cosign.digest-mismatch", $"payload signs {digest}, expected {expectedDigest}");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return SignatureCheck.Fail("cosign.bad-payload", "payload is not a simple-signing document");
        }
        return SignatureCheck.Ok;
    }

    private static string ValidDigest(string digest) =>
        digest is not null && DigestPattern().IsMatch(digest) ? digest
            : throw new SigningFormatException("signing.bad-digest", "expected sha256:<64 lowercase hex>");

    // Go's json.Marshal escapes <, > and & too; references never contain them, but match it so bytes agree.
    private static string JsonString(string s) =>
        JsonSerializer.Serialize(s, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
            .Replace("<", "\\u003c").Replace(">", "\\u003e").Replace("&", "\\u0026");

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    private static partial Regex DigestPattern();
}

/// <summary>Outcome of a signature check: <see cref="Valid"/>, or a stable <see cref="Code"/> and a reason.</summary>
public sealed record SignatureCheck(bool Valid, string? Code, string? Reason)
{
    /// <summary>The check passed.</summary>
    public static SignatureCheck Ok { get; } = new(true, null, null);

    /// <summary>A failed check.</summary>
    public static SignatureCheck Fail(string code, string reason) => new(false, code, reason);
}

/// <summary>Bounded, strict base64 decoding for untrusted input.</summary>
internal static class Base64
{
    public static bool TryDecode(string? text, int maxBytes, out byte[] bytes)
    {
        bytes = [];
        if (string.IsNullOrEmpty(text) || text.Length > (maxBytes + 2) / 3 * 4) return false;
        var buffer = new byte[text.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(text, buffer, out var n)) return false;
        bytes = buffer[..n];
        return true;
    }
}
