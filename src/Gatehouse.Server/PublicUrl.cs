using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Gatehouse.Server;

/// <summary>
/// The server's public base URL (<c>Gatehouse:PublicUrl</c>), the one source of every absolute URL Gatehouse hands out:
/// the OAuth issuer and the endpoints in its discovery document, download URLs, links. Never taken from a request's
/// <c>Host</c> header, which the client chooses (issue 12, item 6). Docs: docs/operations.md, "Public URL and proxies".
/// </summary>
public sealed class PublicUrl
{
    private PublicUrl(Uri @base, bool derived)
    {
        Base = @base;
        Derived = derived;
    }

    /// <summary>The base URL, absolute, always ending in <c>/</c> (e.g. <c>https://gatehouse.example.com/</c>).</summary>
    public Uri Base { get; }

    /// <summary>True when it was derived from the first URL the server listens on (no <c>Gatehouse:PublicUrl</c>).</summary>
    public bool Derived { get; }

    /// <summary>The base without its trailing slash, to put a path (starting with <c>/</c>) after.</summary>
    public string Prefix => Base.AbsoluteUri.TrimEnd('/');

    /// <summary>The absolute URL of <paramref name="path"/> (relative to the base; a leading <c>/</c> is allowed).</summary>
    public Uri Absolute(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new Uri(Base, path.TrimStart('/'));
    }

    /// <summary>
    /// <paramref name="configured"/> (<c>Gatehouse:PublicUrl</c>) when set, else derived from the first of
    /// <paramref name="urls"/> (<c>urls</c>: <c>GATEHOUSE_URLS</c>, <c>ASPNETCORE_URLS</c> or <c>--urls</c>; a wildcard host
    /// becomes <c>localhost</c>), else Kestrel's default <c>http://localhost:5000/</c>. Throws when the configured value is
    /// not an absolute http(s) URL without query, fragment or user info, or, in <paramref name="production"/>, not https.
    /// </summary>
    public static PublicUrl Resolve(string? configured, string? urls, bool production)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (!Uri.TryCreate(configured.Trim(), UriKind.Absolute, out var u) || u.Scheme is not ("https" or "http")
                || !string.IsNullOrEmpty(u.Query) || !string.IsNullOrEmpty(u.Fragment) || !string.IsNullOrEmpty(u.UserInfo) || u.Host.Length == 0)
                throw new InvalidOperationException(
                    "Gatehouse:PublicUrl must be an absolute https URL without query, fragment or user info, e.g. https://gatehouse.example.com/ (docs/operations.md)");
            if (production && u.Scheme != "https")
                throw new InvalidOperationException("Gatehouse:PublicUrl must be an https URL outside the Development environment (docs/operations.md)");
            return new PublicUrl(WithSlash(u), derived: false);
        }
        var first = (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (first is null) return new PublicUrl(new Uri("http://localhost:5000/"), derived: true);
        // Kestrel's wildcards (http://*:80, http://+:80, 0.0.0.0, [::]) are not names anyone can reach.
        var schemeEnd = first.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0)
        {
            var rest = first[(schemeEnd + 3)..];
            foreach (var wildcard in new[] { "*", "+", "0.0.0.0", "[::]" })
                if (rest.StartsWith(wildcard, StringComparison.Ordinal) && (rest.Length == wildcard.Length || rest[wildcard.Length] is ':' or '/'))
                {
                    first = first[..(schemeEnd + 3)] + "localhost" + rest[wildcard.Length..];
                    break;
                }
        }
        if (!Uri.TryCreate(first, UriKind.Absolute, out var derived) || derived.Scheme is not ("https" or "http"))
            throw new InvalidOperationException($"cannot derive the public URL from '{first}': set Gatehouse:PublicUrl (docs/operations.md)");
        return new PublicUrl(WithSlash(new UriBuilder(derived) { Query = "", Fragment = "" }.Uri), derived: true);
    }

    private static Uri WithSlash(Uri u) =>
        u.AbsolutePath.EndsWith('/') ? u : new UriBuilder(u) { Path = u.AbsolutePath + "/" }.Uri;
}

/// <summary>Registration of <see cref="PublicUrl"/> and of the forwarded-headers rules (only configured proxies are believed).</summary>
internal static class PublicUrlSetup
{
    /// <summary>Resolves and registers the public URL; start-up fails here when it is not valid.</summary>
    public static PublicUrl AddGatehousePublicUrl(this WebApplicationBuilder builder, GatehouseOptions options)
    {
        var production = !builder.Environment.IsDevelopment() && !builder.Environment.IsEnvironment("Testing");
        var url = PublicUrl.Resolve(options.PublicUrl, builder.Configuration["urls"], production);
        builder.Services.AddSingleton(url);
        var proxies = ParseProxies(options);
        builder.Services.Configure<ForwardedHeadersOptions>(o => ConfigureForwardedHeaders(o, proxies, url, builder.Configuration["Downloads:BaseUrl"]));
        return url;
    }

    /// <summary>
    /// Forwarded headers (<c>X-Forwarded-For</c>, <c>-Proto</c>, <c>-Host</c>) are believed only from
    /// <c>Gatehouse:KnownProxies</c> and <c>Gatehouse:KnownNetworks</c>; ASP.NET Core's loopback default is removed, and a
    /// forwarded host must be the public URL's or the download host's.
    /// </summary>
    public static void ConfigureForwardedHeaders(ForwardedHeadersOptions o, (IReadOnlyList<IPAddress> Proxies, IReadOnlyList<System.Net.IPNetwork> Networks) trusted,
        PublicUrl url, string? downloadBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(url);
        o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
        o.KnownProxies.Clear();
        o.KnownIPNetworks.Clear();
        foreach (var p in trusted.Proxies) o.KnownProxies.Add(p);
        foreach (var n in trusted.Networks) o.KnownIPNetworks.Add(n);
        o.AllowedHosts.Clear();
        o.AllowedHosts.Add(url.Base.Authority);
        if (Uri.TryCreate(downloadBaseUrl, UriKind.Absolute, out var dl)) o.AllowedHosts.Add(dl.Authority);
    }

    /// <summary>The configured proxies and networks; throws (at start) on an entry that is not an address or a CIDR range.</summary>
    public static (IReadOnlyList<IPAddress> Proxies, IReadOnlyList<System.Net.IPNetwork> Networks) ParseProxies(GatehouseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        static IEnumerable<string> Entries(IEnumerable<string> values) =>
            values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var proxies = new List<IPAddress>();
        foreach (var p in Entries(options.KnownProxies))
            proxies.Add(IPAddress.TryParse(p, out var a) ? a
                : throw new InvalidOperationException($"Gatehouse:KnownProxies: '{p}' is not an IP address (docs/operations.md)"));
        var networks = new List<System.Net.IPNetwork>();
        foreach (var n in Entries(options.KnownNetworks))
            networks.Add(System.Net.IPNetwork.TryParse(n, out var net) ? net
                : throw new InvalidOperationException($"Gatehouse:KnownNetworks: '{n}' is not a CIDR range such as 10.0.0.0/8 (docs/operations.md)"));
        return (proxies, networks);
    }

    /// <summary>
    /// Applies forwarded headers, first in the pipeline, only when some proxy is configured: with no known proxy at all,
    /// ASP.NET Core's middleware would believe every client.
    /// </summary>
    public static WebApplication UseGatehouseForwardedHeaders(this WebApplication app)
    {
        var o = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersOptions>>().Value;
        if (o.KnownProxies.Count > 0 || o.KnownIPNetworks.Count > 0) app.UseForwardedHeaders();
        return app;
    }
}
