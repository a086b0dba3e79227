using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Signing;

/// <summary>
/// DSSE v1 (Dead Simple Signing Envelope, secure-systems-lab/dsse): the signature covers
/// <c>PAE(type, body) = "DSSEv1" SP len(type) SP type SP len(body) SP body</c>, never the JSON around it.
/// </summary>
public static class Dsse
{
    /// <summary>The in-toto payload type.</summary>
    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    /// <summary>Envelopes beyond this size are refused before parsing.</summary>
    public const int MaxEnvelopeBytes = 1024 * 1024;

    /// <summary>At most this many signatures are looked at.</summary>
    public const int MaxSignatures = 16;

    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Pre-Authentication Encoding of <paramref name="payloadType"/> and <paramref name="payload"/>; lengths are byte counts in ASCII decimal.</summary>
    public static byte[] Pae(string payloadType, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(payloadType);
        var type = Encoding.UTF8.GetBytes(payloadType);
        var head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"DSSEv1 {type.Length} "));
        var mid = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $" {payload.Length} "));
        var pae = new byte[head.Length + type.Length + mid.Length + payload.Length];
        head.CopyTo(pae, 0);
        type.CopyTo(pae, head.Length);
        mid.CopyTo(pae, head.Length + type.Length);
        payload.CopyTo(pae.AsSpan(head.Length + type.Length + mid.Length));
        return pae;
    }

    /// <summary>Signs <paramref name="payload"/> and returns the envelope JSON (<c>payload</c>, <c>payloadType</c>, <c>signatures[{keyid, sig}]</c>).</summary>
    public static byte[] Sign(ISigner signer, string payloadType, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var sig = signer.Sign(Pae(payloadType, payload));
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("payload", Convert.ToBase64String(payload));
            w.WriteString("payloadType", payloadType);
            w.WriteStartArray("signatures");
            w.WriteStartObject();
            w.WriteString("keyid", signer.KeyId);
            w.WriteString("sig", Convert.ToBase64String(sig));
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Verifies <paramref name="envelope"/> with <paramref name="key"/>: some signature must verify over the PAE and the
    /// payload type must be <paramref name="expectedPayloadType"/>. On success <paramref name="payload"/> holds the signed bytes.
    /// </summary>
    public static SignatureCheck Verify(PublicKey key, ReadOnlySpan<byte> envelope, string expectedPayloadType, out byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(key);
        payload = [];
        if (envelope.Length > MaxEnvelopeBytes) return SignatureCheck.Fail("dsse.too-large", "envelope exceeds 1 MiB");
        try
        {
            using var doc = StrictJson.Parse(envelope.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
            var root = doc.RootElement;
            var type = root.GetProperty("payloadType").GetString();
            if (!Base64.TryDecode(root.GetProperty("payload").GetString(), MaxEnvelopeBytes, out var body))
                return SignatureCheck.Fail("dsse.bad-envelope", "payload is not base64");
            if (type != expectedPayloadType)
                return SignatureCheck.Fail("dsse.wrong-payload-type", $"payload type {type}, expected {expectedPayloadType}");
            var pae = Pae(type, body);
            var seen = 0;
            foreach (var s in root.GetProperty("signatures").EnumerateArray())
            {
                if (++seen > MaxSignatures) break;
                if (Base64.TryDecode(s.GetProperty("sig").GetString(), 256, out var sig) && key.Verify(pae, sig))
                {
                    payload = body;
                    return SignatureCheck.Ok;
                }
            }
            return SignatureCheck.Fail("dsse.signature-invalid", "no signature verifies with the key");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return SignatureCheck.Fail("dsse.bad-envelope", "not a DSSE envelope");
        }
    }
}
