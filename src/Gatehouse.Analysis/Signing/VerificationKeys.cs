using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Signing;

/// <summary>
/// The public keys a verifier trusts, read from a PEM file (one or more <c>PUBLIC KEY</c> blocks) or from Gatehouse's
/// published JWKS (<c>/.well-known/gatehouse/keys</c>: <c>keys</c> = active and superseded keys, <c>retired</c> = keys
/// that must no longer be trusted, with the date). A signature that only a retired key verifies is refused with
/// <see cref="KeyRetired"/>: fail closed, and say why.
/// </summary>
public sealed class VerificationKeys
{
    /// <summary>The signature was made by a key the publisher lists as retired.</summary>
    public const string KeyRetired = "signing.key-retired";

    /// <summary>The key file or JWKS holds no usable key, or a key in it is malformed.</summary>
    public const string BadKeys = "signing.bad-key";

    /// <summary>Key files beyond this size are refused before parsing.</summary>
    public const int MaxBytes = 1024 * 1024;

    private readonly List<PublicKey> _trusted;
    private readonly List<(PublicKey Key, DateTimeOffset? Retired)> _retired;

    private VerificationKeys(List<PublicKey> trusted, List<(PublicKey, DateTimeOffset?)> retired)
    {
        _trusted = trusted;
        _retired = retired;
    }

    /// <summary>The keys signatures may be made with.</summary>
    public IReadOnlyList<PublicKey> Trusted => _trusted;

    /// <summary>The keys listed as retired, with the date when the JWKS names one.</summary>
    public IReadOnlyList<(PublicKey Key, DateTimeOffset? Retired)> Retired => _retired;

    /// <summary>One trusted key.</summary>
    public static VerificationKeys FromKey(PublicKey key) => new([key ?? throw new ArgumentNullException(nameof(key))], []);

    /// <summary>
    /// Reads <paramref name="text"/>: a JWKS (JSON object with <c>keys</c> and optionally <c>retired</c>) or PEM public keys.
    /// <see cref="SigningFormatException"/> (<see cref="BadKeys"/> or <c>signing.bad-pem</c>) when it holds no usable key.
    /// </summary>
    public static VerificationKeys Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxBytes) throw new SigningFormatException(BadKeys, "the key file is larger than 1 MiB");
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return trimmed.StartsWith('{') ? ParseJwks(trimmed) : ParsePem(trimmed);
    }

    /// <summary>
    /// Runs <paramref name="check"/> with the trusted keys (the one whose key id is <paramref name="hint"/> first) and returns
    /// the first success. When none succeeds, a retired key that would verify, or a hint naming a retired key, gives
    /// <see cref="KeyRetired"/> with the date; otherwise the failure of the hinted (or first) key.
    /// </summary>
    public SignatureCheck Verify(string? hint, Func<PublicKey, SignatureCheck> check, out PublicKey? used)
    {
        ArgumentNullException.ThrowIfNull(check);
        used = null;
        var hintedRetired = hint is null ? default : _retired.FirstOrDefault(r => r.Key.KeyId == hint);
        if (hintedRetired.Key is not null && _trusted.All(k => k.KeyId != hint)) return RetiredFailure(hintedRetired);
        SignatureCheck? first = null;
        foreach (var key in _trusted.OrderBy(k => k.KeyId == hint ? 0 : 1))
        {
            var result = check(key);
            if (result.Valid)
            {
                used = key;
                return result;
            }
            first ??= result;
        }
        foreach (var retired in _retired)
            if (check(retired.Key).Valid) return RetiredFailure(retired);
        return first ?? SignatureCheck.Fail(BadKeys, "no trusted key");
    }

    private static SignatureCheck RetiredFailure((PublicKey Key, DateTimeOffset? Retired) r) =>
        SignatureCheck.Fail(KeyRetired, r.Retired is { } at
            ? $"signed by key {r.Key.KeyId}, retired on {at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}"
            : $"signed by key {r.Key.KeyId}, which is retired");

    private static VerificationKeys ParsePem(string text)
    {
        var keys = new List<PublicKey>();
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var block = rest[fields.Location].ToString();
            if (rest[fields.Label] is "PUBLIC KEY") keys.Add(PublicKey.FromPem(block));
            else throw new SigningFormatException("signing.bad-pem", $"a {rest[fields.Label]} block is not a public key (pass the PUBLIC KEY PEM)");
            rest = rest[fields.Location.End..];
            if (keys.Count > 64) throw new SigningFormatException(BadKeys, "more than 64 keys");
        }
        return keys.Count > 0 ? new VerificationKeys(keys, []) : throw new SigningFormatException("signing.bad-pem", "no PUBLIC KEY PEM block and no JWKS");
    }

    private static VerificationKeys ParseJwks(string text)
    {
        try
        {
            using var doc = StrictJson.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
            var root = doc.RootElement;
            if (!root.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
                throw new SigningFormatException(BadKeys, "the JWKS has no keys array");
            var trusted = new List<PublicKey>();
            var retired = new List<(PublicKey, DateTimeOffset?)>();
            foreach (var jwk in keys.EnumerateArray().Take(64))
            {
                // A key in "keys" that says it is retired is not trusted either (fail closed).
                if (Str(jwk, "status") == "retired") retired.Add((FromJwk(jwk), Date(Str(jwk, "retired"))));
                else trusted.Add(FromJwk(jwk));
            }
            if (root.TryGetProperty("retired", out var old) && old.ValueKind == JsonValueKind.Array)
                foreach (var jwk in old.EnumerateArray().Take(256))
                    retired.Add((FromJwk(jwk), Date(Str(jwk, "retired"))));
            // A key listed both ways is retired.
            trusted.RemoveAll(k => retired.Any(r => r.Item1.KeyId == k.KeyId));
            if (trusted.Count == 0 && retired.Count == 0) throw new SigningFormatException(BadKeys, "the JWKS lists no key");
            return new VerificationKeys(trusted, retired);
        }
        catch (JsonException e)
        {
            throw new SigningFormatException(BadKeys, "not a JWKS: " + e.Message);
        }
    }

    private static PublicKey FromJwk(JsonElement jwk)
    {
        if (jwk.ValueKind != JsonValueKind.Object || Str(jwk, "kty") != "EC" || Str(jwk, "crv") != "P-256")
            throw new SigningFormatException(BadKeys, "a JWKS key is not an EC P-256 key");
        if (!TryBase64Url(Str(jwk, "x"), out var x) || !TryBase64Url(Str(jwk, "y"), out var y) || x.Length != 32 || y.Length != 32)
            throw new SigningFormatException(BadKeys, "a JWKS key has no valid x and y");
        PublicKey key;
        using (var ec = ECDsa.Create())
        {
            try
            {
                ec.ImportParameters(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
            }
            catch (CryptographicException e)
            {
                throw new SigningFormatException(BadKeys, "a JWKS key is not a point on P-256: " + e.Message);
            }
            key = PublicKey.FromEcdsa(ec);
        }
        // The kid is the RFC 7638 thumbprint; one that disagrees would let a hint point at another key.
        if (Str(jwk, "kid") is { } kid && kid != key.KeyId)
            throw new SigningFormatException(BadKeys, $"JWKS key id {kid} is not the key's thumbprint {key.KeyId}");
        return key;
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static DateTimeOffset? Date(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;

    private static bool TryBase64Url(string? text, out byte[] bytes)
    {
        bytes = [];
        if (text is null || text.Length > 64) return false;
        var b64 = text.Replace('-', '+').Replace('_', '/');
        b64 += new string('=', (4 - b64.Length % 4) % 4);
        return Base64.TryDecode(b64, 48, out bytes);
    }
}
