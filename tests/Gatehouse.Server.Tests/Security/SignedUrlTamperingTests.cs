using System.Net;
using System.Text.Json;
using Gatehouse.Server.Tests.Downloads;

namespace Gatehouse.Server.Tests.Security;

/// <summary>
/// Signed download URLs (<c>/dl/…</c>) altered in the ways Downloads/DownloadTests does not already try (it flips each
/// query field, the version and the digest, removes the signature and the address, and adds or duplicates a parameter;
/// expiry and retired keys are Downloads/DownloadTests too): other spellings of the same URL (case, GUID formats,
/// base64 instead of base64url, spare bits), truncation, duplicates of every parameter, a parameter's name in another
/// case, and the same alterations on HEAD and on the version's signature files. Every one is refused with the same
/// 403 and the file is never served; a URL has exactly one spelling.
/// </summary>
public sealed class SignedUrlTamperingTests
{
    [Fact]
    public async Task Every_other_spelling_truncation_or_duplicate_of_a_download_url_gets_the_one_refusal_and_no_bytes()
    {
        // Well over a hundred refused requests from one address: above the per-address limit, which is not under test here.
        await using var w = await DownloadTests.StartAsync(settings: new Dictionary<string, string?> { ["Downloads:RateLimitPerMinute"] = "100000" });
        var url = new Uri("http://localhost" + await w.UrlAsync());
        var path = url.AbsolutePath;
        var query = url.Query.TrimStart('?');
        var pairs = query.Split('&').Select(p => (Name: p[..p.IndexOf('=', StringComparison.Ordinal)], Value: p[(p.IndexOf('=', StringComparison.Ordinal) + 1)..])).ToList();
        string Value(string name) => pairs.Single(p => p.Name == name).Value;
        string Q(IEnumerable<(string Name, string Value)> ps) => "?" + string.Join('&', ps.Select(p => p.Name + "=" + p.Value));
        string WithValue(string name, string value) => path + Q(pairs.Select(p => p.Name == name ? (p.Name, value) : p));
        var version = w.VersionId.ToString("D");
        var hex = w.Digest["sha256:".Length..];
        var sig = Value("sig");
        var lastSigChar = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".IndexOf(sig[^1], StringComparison.Ordinal);

        var tampered = new Dictionary<string, string>
        {
            // other spellings of the same grant
            ["version id in upper case"] = path.Replace(version, version.ToUpperInvariant(), StringComparison.Ordinal) + url.Query,
            ["version id without hyphens"] = path.Replace(version, w.VersionId.ToString("N"), StringComparison.Ordinal) + url.Query,
            ["version id in braces"] = path.Replace(version, w.VersionId.ToString("B"), StringComparison.Ordinal) + url.Query,
            ["digest in upper case"] = path.Replace(hex, hex.ToUpperInvariant(), StringComparison.Ordinal) + url.Query,
            ["digest with its algorithm"] = path.Replace(hex, "sha256:" + hex, StringComparison.Ordinal) + url.Query,
            ["key id in upper case"] = WithValue("kid", Value("kid").ToUpperInvariant()),
            ["subject prefix in upper case"] = WithValue("sub", "T" + Value("sub")[1..]),
            ["signature with one letter's case swapped"] = WithValue("sig", SwapFirstLetterCase(sig)),
            ["signature with padding"] = WithValue("sig", sig + "%3D"),
            ["signature with other spare bits"] = WithValue("sig", sig[..^1] + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[lastSigChar ^ 1]),
            ["parameter name in upper case"] = path + Q(pairs.Select(p => p.Name == "sig" ? ("SIG", p.Value) : p)),
            ["expiry with a fraction"] = WithValue("exp", Value("exp") + ".0"),
            // truncation
            ["signature one character short"] = WithValue("sig", sig[..^1]),
            ["signature two characters short"] = WithValue("sig", sig[..^2]),
            ["signature empty"] = WithValue("sig", ""),
            ["expiry one digit short"] = WithValue("exp", Value("exp")[..^1]),
            ["key id one character short"] = WithValue("kid", Value("kid")[..^1]),
            ["disposition one character short"] = WithValue("rcd", Value("rcd")[..^1]),
            ["query cut before the signature"] = path + "?" + query[..query.IndexOf("&sig=", StringComparison.Ordinal)],
            ["no query"] = path,
            // duplicates: the same value twice, or a second value
            ["extra empty parameter"] = url.PathAndQuery + "&",
            ["tenant parameter added"] = url.PathAndQuery + "&tenant=" + w.Tenant,
        };
        // Only a signature with '-' or '_' has a base64 spelling of its own (a random one often has neither).
        if (sig.Contains('-', StringComparison.Ordinal) || sig.Contains('_', StringComparison.Ordinal))
            tampered["signature in base64 instead of base64url"] = WithValue("sig", Uri.EscapeDataString(sig.Replace('-', '+').Replace('_', '/')));
        tampered["an empty pair in the middle"] = url.PathAndQuery.Replace("&sig=", "&&sig=", StringComparison.Ordinal);
        foreach (var (name, value) in pairs)
        {
            tampered[$"{name} twice"] = url.PathAndQuery + "&" + name + "=" + value;
            tampered[$"{name} twice, empty first"] = path + Q(pairs.SelectMany(p => p.Name == name ? new[] { (p.Name, ""), p } : [p]));
        }

        using var client = w.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url.PathAndQuery)).StatusCode); // the untouched URL works
        var bodies = new HashSet<string>(StringComparer.Ordinal);
        var failures = new List<string>();
        foreach (var (what, tamperedUrl) in tampered)
        {
            foreach (var (method, suffix) in new[] { (HttpMethod.Get, ""), (HttpMethod.Head, ""), (HttpMethod.Get, "/sigstore.json") })
            {
                var u = suffix.Length == 0 ? tamperedUrl : tamperedUrl.Insert(tamperedUrl.IndexOf('?') is var i and >= 0 ? i : tamperedUrl.Length, suffix);
                using var r = await client.SendAsync(new HttpRequestMessage(method, u));
                var body = await r.Content.ReadAsByteArrayAsync();
                if (r.StatusCode != HttpStatusCode.Forbidden && r.StatusCode != HttpStatusCode.NotFound)
                    failures.Add($"{what} ({method} {suffix}): {(int)r.StatusCode}");
                if (body.Length >= 1000 || r.Content.Headers.ContentLength == w.Content.Length)
                    failures.Add($"{what} ({method} {suffix}): served {body.Length} bytes");
                if (r.StatusCode == HttpStatusCode.Forbidden && method == HttpMethod.Get)
                {
                    var doc = JsonDocument.Parse(body).RootElement;
                    bodies.Add(doc.GetProperty("code").GetString() + "|" + doc.GetProperty("detail").GetString());
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Single(bodies); // one refusal for every alteration: nothing tells which part failed
    }

    private static string SwapFirstLetterCase(string s)
    {
        var i = s.IndexOfAny("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".ToCharArray());
        var c = s[i];
        return s[..i] + (char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)) + s[(i + 1)..];
    }
}
