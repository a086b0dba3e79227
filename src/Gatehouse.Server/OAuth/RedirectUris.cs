using System.Net;

namespace Gatehouse.Server.OAuth;

/// <summary>
/// Which redirect URIs an app's OAuth client may register. Matching at the authorization endpoint is
/// exact (OpenIddict compares the whole string), so what is registered here is all that can ever be used.
/// <list type="bullet">
/// <item>Web integrations (confidential clients): <c>https</c> only.</item>
/// <item>Native apps (public clients, RFC 8252): <c>http</c> on a loopback IP literal (<c>127.0.0.1</c> or
/// <c>[::1]</c>, §7.3; <c>localhost</c> is refused, §8.3), a claimed <c>https</c> URL (§7.2), or a
/// private-use scheme in reverse-domain form such as <c>com.example.app:/callback</c> (§7.1).</item>
/// <item>Never: wildcards, fragments, user info, relative URIs, more than 10 URIs or 2000 characters.</item>
/// </list>
/// </summary>
internal static class RedirectUris
{
    public const int MaxCount = 10;
    public const int MaxLength = 2000;

    /// <summary>Null when every URI is acceptable; otherwise the first problem, naming the URI.</summary>
    public static string? Check(IReadOnlyList<string>? uris, bool native)
    {
        if (uris is null || uris.Count == 0) return "redirectUris must list at least one URI";
        if (uris.Count > MaxCount) return $"redirectUris: at most {MaxCount}";
        foreach (var raw in uris)
            if (CheckOne(raw, native) is { } problem) return $"redirect URI '{Shorten(raw)}': {problem}";
        if (uris.Distinct(StringComparer.Ordinal).Count() != uris.Count) return "redirectUris lists a URI twice";
        return null;
    }

    public static string? CheckOne(string? raw, bool native)
    {
        if (string.IsNullOrWhiteSpace(raw)) return "empty";
        if (raw.Length > MaxLength) return $"longer than {MaxLength} characters";
        if (raw != raw.Trim() || raw.Any(char.IsControl) || raw.Contains(' ')) return "contains white space or control characters";
        if (raw.Contains('*')) return "wildcards are not allowed: register each URI exactly";
        if (raw.Contains('#')) return "fragments are not allowed (RFC 6749 §3.1.2)";
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var uri)) return "not an absolute URI";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "user info is not allowed";

        if (uri.Scheme == Uri.UriSchemeHttps)
            return string.IsNullOrEmpty(uri.Host) ? "no host" : null;
        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            if (!native) return "must be https (plain http only for native apps on a loopback address, RFC 8252)";
            if (uri.HostNameType == UriHostNameType.Dns) return "native apps use a loopback IP literal (127.0.0.1 or [::1]), not a host name (RFC 8252 §8.3)";
            return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)
                ? null
                : "plain http is allowed only on a loopback address (127.0.0.1 or [::1])";
        }
        if (!native) return "must be https";
        // RFC 8252 §7.1: a private-use scheme must be a reverse domain name the vendor controls.
        if (!uri.Scheme.Contains('.', StringComparison.Ordinal)) return "a private-use scheme must be a reverse domain name, e.g. com.example.app";
        if (uri.Scheme is "javascript" or "data" or "file" or "vbscript") return "scheme not allowed";
        return null;
    }

    private static string Shorten(string? s) => s is null ? "" : s.Length <= 80 ? s : s[..80] + "…";
}
