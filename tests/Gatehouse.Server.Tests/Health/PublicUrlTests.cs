using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Tests.Health;

/// <summary>
/// Issue 12, item 6: the issuer and every absolute URL come from <c>Gatehouse:PublicUrl</c>, never from the request's
/// Host header, and forwarded headers are believed only from configured proxies.
/// </summary>
public sealed class PublicUrlTests
{
    [Fact]
    public async Task Discovery_announces_the_configured_issuer_whatever_the_Host_header_says()
    {
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite, new Dictionary<string, string?> { ["Gatehouse:PublicUrl"] = "https://gatehouse.example.com/" });
        using var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        foreach (var host in new[] { "evil.example", "localhost" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/openid-configuration");
            request.Headers.Host = host;
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var doc = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("https://gatehouse.example.com/", doc.GetProperty("issuer").GetString());
            foreach (var endpoint in new[] { "authorization_endpoint", "token_endpoint", "introspection_endpoint", "jwks_uri" })
                Assert.StartsWith("https://gatehouse.example.com/", doc.GetProperty(endpoint).GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain("evil.example", doc.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_public_url_is_configured_or_derived_from_the_first_listening_url_and_validated()
    {
        Assert.Equal("https://gatehouse.example.com/", PublicUrl.Resolve("https://gatehouse.example.com", null, production: true).Base.AbsoluteUri);
        Assert.Equal("https://example.com/gatehouse/", PublicUrl.Resolve("https://example.com/gatehouse", "http://127.0.0.1:1", production: true).Base.AbsoluteUri);
        Assert.Equal("https://example.com/gatehouse/dl/1", PublicUrl.Resolve("https://example.com/gatehouse/", null, true).Absolute("/dl/1").AbsoluteUri);
        // run.sh's default and GATEHOUSE_URLS / ASPNETCORE_URLS: the first URL; a wildcard host is reached as localhost.
        Assert.Equal("https://127.0.0.1:5080/", PublicUrl.Resolve(null, "https://127.0.0.1:5080;http://127.0.0.1:5081", production: true).Base.AbsoluteUri);
        Assert.Equal("http://localhost:8080/", PublicUrl.Resolve(null, "http://*:8080", production: false).Base.AbsoluteUri);
        Assert.Equal("https://localhost:8443/", PublicUrl.Resolve(null, "https://0.0.0.0:8443", production: false).Base.AbsoluteUri);
        Assert.Equal("http://localhost:5000/", PublicUrl.Resolve(null, null, production: false).Base.AbsoluteUri);
        Assert.True(PublicUrl.Resolve(null, null, production: false).Derived);

        foreach (var bad in new[] { "gatehouse.example.com", "/relative", "ftp://example.com/", "https://example.com/?q=1", "https://example.com/#f", "https://user:pw@example.com/" })
            Assert.Throws<InvalidOperationException>(() => PublicUrl.Resolve(bad, null, production: false));
        // Production wants https; development may use http.
        Assert.Throws<InvalidOperationException>(() => PublicUrl.Resolve("http://gatehouse.example.com/", null, production: true));
        Assert.Equal("http://127.0.0.1:5080/", PublicUrl.Resolve("http://127.0.0.1:5080", null, production: false).Base.AbsoluteUri);
    }

    [Fact]
    public async Task Forwarded_headers_are_believed_from_configured_proxies_only_and_only_for_known_hosts()
    {
        var url = PublicUrl.Resolve("https://gatehouse.example.com/", null, production: true);
        var trusted = PublicUrlSetup.ParseProxies(new GatehouseOptions { KnownProxies = ["10.0.0.1"], KnownNetworks = ["192.168.10.0/24"] });
        var options = new ForwardedHeadersOptions();
        PublicUrlSetup.ConfigureForwardedHeaders(options, trusted, url, "https://downloads.example.com");
        Assert.DoesNotContain(IPAddress.Loopback, options.KnownProxies); // ASP.NET Core's default is gone

        async Task<HttpContext> SendAsync(string from, string forwardedHost)
        {
            var ctx = new DefaultHttpContext();
            ctx.Connection.RemoteIpAddress = IPAddress.Parse(from);
            ctx.Request.Scheme = "http";
            ctx.Request.Host = new HostString("10.0.0.20:8080");
            ctx.Request.Headers["X-Forwarded-For"] = "203.0.113.7";
            ctx.Request.Headers["X-Forwarded-Proto"] = "https";
            ctx.Request.Headers["X-Forwarded-Host"] = forwardedHost;
            await new ForwardedHeadersMiddleware(_ => Task.CompletedTask, NullLoggerFactory.Instance, Options.Create(options)).Invoke(ctx);
            return ctx;
        }

        // From anyone else: ignored.
        var stranger = await SendAsync("10.0.0.9", "gatehouse.example.com");
        Assert.Equal(("10.0.0.20:8080", "http", "10.0.0.9"), (stranger.Request.Host.Value, stranger.Request.Scheme, stranger.Connection.RemoteIpAddress!.ToString()));
        // From a configured proxy or network: honoured.
        foreach (var proxy in new[] { "10.0.0.1", "192.168.10.5" })
        {
            var viaProxy = await SendAsync(proxy, "gatehouse.example.com");
            Assert.Equal(("gatehouse.example.com", "https", "203.0.113.7"), (viaProxy.Request.Host.Value, viaProxy.Request.Scheme, viaProxy.Connection.RemoteIpAddress!.ToString()));
        }
        Assert.Equal("downloads.example.com", (await SendAsync("10.0.0.1", "downloads.example.com")).Request.Host.Value);
        // Even a proxy cannot forward a host that is not Gatehouse's.
        Assert.NotEqual("evil.example", (await SendAsync("10.0.0.1", "evil.example")).Request.Host.Value);

        Assert.Throws<InvalidOperationException>(() => PublicUrlSetup.ParseProxies(new GatehouseOptions { KnownProxies = ["proxy.internal"] }));
        Assert.Throws<InvalidOperationException>(() => PublicUrlSetup.ParseProxies(new GatehouseOptions { KnownNetworks = ["10.0.0.0/99"] }));
    }
}
