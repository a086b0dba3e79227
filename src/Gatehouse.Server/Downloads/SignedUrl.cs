using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gatehouse.Server.Downloads;

/// <summary>
/// What a download URL grants: one method on one path (the version and its artifact digest), until
/// <see cref="ExpiresAt"/>, to one tenant or user, optionally from one client address, answered with one
/// <c>Content-Disposition</c>. Every field is covered by the signature.
/// </summary>
/// <param name="Subject"><c>t:{tenant id}</c> or <c>u:{user id}</c>.</param>
/// <param name="ClientAddress">Null: any address.</param>
internal sealed record DownloadGrant(
    string Method, Guid VersionId, string DigestHex, DateTimeOffset ExpiresAt, string KeyId, string Subject, string? ClientAddress,
    string ContentDisposition)
{
    /// <summary>The URL path: <c>/dl/{version id}/{sha-256 hex}</c>.</summary>
    public string Path => $"{DownloadUrls.PathPrefix}/{VersionId:D}/{DigestHex}";

    public Guid? TenantId => Subject.StartsWith("t:", StringComparison.Ordinal) && Guid.TryParse(Subject.AsSpan(2), out var t) ? t : null;

    public string? UserId => Subject.StartsWith("u:", StringComparison.Ordinal) ? Subject[2..] : null;
}

/// <summary>Why a presented URL was refused. Logged and counted; the caller only ever sees one generic 403.</summary>
public enum UrlRefusal
{
    None,
    Malformed,
    UnknownKey,
    RetiredKey,
    Expired,
    TooFarAhead,
    BadSignature,
    WrongClientAddress,
}

/// <summary>
/// The signed URL scheme (<c>docs/downloads.md</c>): HMAC-SHA256 over a canonical, newline-joined string of
/// every granted field, base64url, compared in constant time. Pure functions; keys come from the caller.
/// </summary>
internal static class DownloadUrls
{
    public const string PathPrefix = "/dl";
    public const string Version = "gh-dl-1";

    /// <summary>The exact bytes the MAC covers. Newlines cannot occur in any field (checked when signing and parsing).</summary>
    public static byte[] Canonical(DownloadGrant g)
    {
        ArgumentNullException.ThrowIfNull(g);
        var text = string.Join('\n',
            Version, g.Method, g.Path, g.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), g.KeyId, g.Subject,
            g.ClientAddress ?? "-", g.ContentDisposition);
        return Encoding.UTF8.GetBytes(text);
    }

    public static string Sign(DownloadGrant g, ReadOnlySpan<byte> key)
    {
        foreach (var field in new[] { g.Method, g.KeyId, g.Subject, g.ClientAddress ?? "", g.ContentDisposition })
            if (field.AsSpan().IndexOfAny('\n', '\r') >= 0) throw new ArgumentException("fields of a download grant are single-line");
        return Base64Url(HMACSHA256.HashData(key, Canonical(g)));
    }

    /// <summary>The query string of a grant (after <see cref="DownloadGrant.Path"/>).</summary>
    public static string Query(DownloadGrant g, string signature)
    {
        var sb = new StringBuilder("?exp=").Append(g.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))
            .Append("&kid=").Append(Uri.EscapeDataString(g.KeyId))
            .Append("&sub=").Append(Uri.EscapeDataString(g.Subject));
        if (g.ClientAddress is not null) sb.Append("&ip=").Append(Uri.EscapeDataString(g.ClientAddress));
        sb.Append("&rcd=").Append(Base64Url(Encoding.UTF8.GetBytes(g.ContentDisposition)))
          .Append("&sig=").Append(signature);
        return sb.ToString();
    }

    /// <summary>Reads a grant back from a request's parts; null when anything is missing or malformed.</summary>
    public static (DownloadGrant? Grant, string? Signature) Parse(string method, Guid versionId, string digestHex, IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (digestHex.Length != 64 || !digestHex.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')) return (null, null);
        foreach (var k in query.Keys)
            if (k is not ("exp" or "kid" or "sub" or "ip" or "rcd" or "sig") || query[k].Count != 1) return (null, null);
        string? One(string k) => query.TryGetValue(k, out var v) ? v.ToString() : null;
        // Canonical digits only (no sign, space or leading zero): one expiry has exactly one spelling, the one signed.
        var expText = One("exp");
        if (expText is not { Length: > 0 and <= 12 } || (expText.Length > 1 && expText[0] == '0') || !expText.All(char.IsAsciiDigit)
            || !long.TryParse(expText, NumberStyles.None, CultureInfo.InvariantCulture, out var exp) || exp > 253402300799) return (null, null);
        var kid = One("kid");
        var sub = One("sub");
        var sig = One("sig");
        var rcd = One("rcd");
        var ip = One("ip");
        if (string.IsNullOrEmpty(kid) || kid.Length > 64 || string.IsNullOrEmpty(sub) || sub.Length > 500
            || string.IsNullOrEmpty(sig) || sig.Length != 43 || string.IsNullOrEmpty(rcd) || rcd.Length > 2000 || ip is { Length: > 64 })
            return (null, null);
        string disposition;
        try { disposition = Encoding.UTF8.GetString(FromBase64Url(rcd)); }
        catch (FormatException) { return (null, null); }
        // HEAD asks what GET would answer: it is verified as GET.
        var m = HttpMethods.IsHead(method) ? HttpMethods.Get : method;
        return (new DownloadGrant(m, versionId, digestHex, DateTimeOffset.FromUnixTimeSeconds(exp), kid, sub, ip, disposition), sig);
    }

    /// <summary>Constant-time check of <paramref name="signature"/> against the grant under <paramref name="key"/>.</summary>
    public static bool Verify(DownloadGrant g, string signature, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(signature);
        // Compared as text, not as decoded bytes: base64 decoding also takes '+' and '/' for '-' and '_' and ignores the
        // last character's spare bits, so one signature would have several spellings (docs/security.md#regression-suite).
        var expected = Encoding.ASCII.GetBytes(Base64Url(HMACSHA256.HashData(key, Canonical(g))));
        var given = Encoding.ASCII.GetBytes(signature);
        return given.Length == expected.Length && CryptographicOperations.FixedTimeEquals(expected, given);
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromBase64Url(string s)
    {
        var b = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b.PadRight(b.Length + (4 - b.Length % 4) % 4, '='));
    }

    /// <summary><c>attachment</c> with an ASCII fallback and an RFC 5987 UTF-8 name; never inline.</summary>
    public static string Attachment(string fileName)
    {
        var name = Path.GetFileName(fileName ?? "");
        if (string.IsNullOrWhiteSpace(name)) name = "download";
        if (name.Length > 200) name = name[^200..];
        var ascii = new string(name.Select(c => c is >= ' ' and < (char)127 and not '"' and not '\\' and not ';' ? c : '_').ToArray());
        var encoded = Uri.EscapeDataString(name);
        return $"attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}";
    }
}
