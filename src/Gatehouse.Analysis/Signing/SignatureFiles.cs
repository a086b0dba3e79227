using System.Text.Json;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Signing;

/// <summary>
/// Reading the signature files Gatehouse serves next to an artifact, for verifiers: the key hint of a Sigstore bundle, and
/// the approval ticket as a bundle-wrapped DSSE envelope (<c>*.ticket.sigstore.json</c>) or a bare envelope.
/// </summary>
public static class SignatureFiles
{
    /// <summary>The bundle's <c>verificationMaterial.publicKey.hint</c> (our key id), or null when it has none or is not a bundle.</summary>
    public static string? KeyHint(ReadOnlySpan<byte> bundle)
    {
        if (bundle.Length > SigstoreBundle.MaxBundleBytes) return null;
        try
        {
            using var doc = StrictJson.Parse(bundle.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            return doc.RootElement.ValueKind == JsonValueKind.Object
                   && doc.RootElement.TryGetProperty("verificationMaterial", out var m) && m.ValueKind == JsonValueKind.Object
                   && m.TryGetProperty("publicKey", out var k) && k.ValueKind == JsonValueKind.Object
                   && k.TryGetProperty("hint", out var h) && h.ValueKind == JsonValueKind.String
                ? h.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The DSSE envelope of a ticket file: the bundle's <c>dsseEnvelope</c>, or the file itself when it is a bare envelope
    /// (an object with <c>payload</c>). Null when it is neither.
    /// </summary>
    public static byte[]? TicketEnvelope(ReadOnlySpan<byte> file)
    {
        if (file.Length > SigstoreBundle.MaxBundleBytes) return null;
        try
        {
            using var doc = StrictJson.Parse(file.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            if (root.TryGetProperty("dsseEnvelope", out var envelope) && envelope.ValueKind == JsonValueKind.Object)
                return JsonSerializer.SerializeToUtf8Bytes(envelope);
            return root.TryGetProperty("payload", out _) ? file.ToArray() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Verifies a ticket file for the artifact with SHA-256 <paramref name="sha256Hex"/> against <paramref name="keys"/> (the
    /// bundle's key hint first; a retired key is refused with <see cref="VerificationKeys.KeyRetired"/>).
    /// </summary>
    public static SignatureCheck VerifyTicket(VerificationKeys keys, ReadOnlySpan<byte> file, string sha256Hex, out ApprovalTicket? ticket, out PublicKey? used)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ticket = null;
        used = null;
        var envelope = TicketEnvelope(file);
        if (envelope is null) return SignatureCheck.Fail("ticket.bad-statement", "not a ticket bundle or DSSE envelope");
        ApprovalTicket? found = null;
        var result = keys.Verify(KeyHint(file) ?? EnvelopeKeyId(envelope), key =>
        {
            var check = ApprovalTicket.Verify(key, envelope, sha256Hex, out var t);
            if (check.Valid) found = t;
            return check;
        }, out used);
        ticket = result.Valid ? found : null;
        return result;
    }

    private static string? EnvelopeKeyId(byte[] envelope)
    {
        try
        {
            using var doc = StrictJson.Parse(envelope, new JsonDocumentOptions { MaxDepth = 8 });
            return doc.RootElement.TryGetProperty("signatures", out var s) && s.ValueKind == JsonValueKind.Array && s.GetArrayLength() > 0
                   && s[0].ValueKind == JsonValueKind.Object && s[0].TryGetProperty("keyid", out var k) && k.ValueKind == JsonValueKind.String
                ? k.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
