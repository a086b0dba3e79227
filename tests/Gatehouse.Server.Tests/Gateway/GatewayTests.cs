using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Gatehouse.Server.Platform;
using Gatehouse.Server.Tests.ApiKeys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Gateway;

/// <summary>
/// The gateway end to end: a real API key through Gatehouse to a real upstream on 127.0.0.1, which verifies the
/// identity headers with the snippet of docs/gateway.md.
/// </summary>
public sealed class GatewayTests(GatewayWorld g) : IClassFixture<GatewayWorld>
{
    private static HttpRequestMessage Get(string url, string? key)
    {
        var m = new HttpRequestMessage(HttpMethod.Get, url);
        if (key is not null) m.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return m;
    }

    private UpstreamRequest? Received(string pathPart) => g.Upstream.Requests.LastOrDefault(r => r.RawTarget.Contains(pathPart, StringComparison.Ordinal));

    [Fact]
    public async Task A_call_reaches_the_upstream_without_credentials_and_with_signed_identity_headers()
    {
        var w = g.World;
        var (keyId, key) = await w.CreateKeyAsync(w.TenantA, PlatformScopes.ProjectsRead);
        using var client = g.App.ClientWith(null);
        var marker = Guid.NewGuid().ToString("N");
        using var request = Get($"/gw/tenants/{w.TenantA}/items/{marker}?q=a%20b&x=%C3%A9", key);
        request.Headers.Add("Cookie", "session=secret-cookie");
        request.Headers.Add("Gatehouse-App", "spoofed-app");
        request.Headers.Add("Gatehouse-Tenant", w.TenantB.ToString());
        request.Headers.Add("Gatehouse-Signature", "v1=00");
        request.Headers.Add("Gatehouse-Whatever", "spoofed");
        request.Headers.Add("X-Kept", "kept");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("upstream says hello", await response.Content.ReadAsStringAsync());
        Assert.Equal("yes", response.Headers.GetValues("X-Upstream").Single());
        Assert.True(response.Headers.Contains("RateLimit"));
        var up = Received(marker)!;
        Assert.Equal($"/tenants/{w.TenantA}/items/{marker}?q=a%20b&x=%C3%A9", up.RawTarget);
        Assert.True(up.SignatureValid, "the documented verification accepts what the gateway sent");
        Assert.False(up.Headers.ContainsKey("Authorization"));
        Assert.False(up.Headers.ContainsKey("Cookie"));
        Assert.False(up.Headers.ContainsKey("Gatehouse-Whatever"));
        Assert.Equal("kept", up.Header("X-Kept"));
        Assert.Equal(w.AppSlug, up.Header("Gatehouse-App"));
        Assert.Equal(w.TenantA.ToString(), up.Header("Gatehouse-Tenant"));
        Assert.Equal(keyId, up.Header("Gatehouse-Credential"));
        Assert.Equal(PlatformScopes.ProjectsRead, up.Header("Gatehouse-Scopes"));
        Assert.NotEqual("v1=00", up.Header("Gatehouse-Signature"));
        var usage = g.Usage.ByPath[$"/gw/tenants/{w.TenantA}/items/{marker}"];
        Assert.Equal("/gw/tenants/{tenantId}/items", usage.Template);
        Assert.Equal(PlatformScopes.ProjectsRead, usage.Scope);
        Assert.False(usage.ScopeViolation);
    }

    [Fact]
    public void The_documented_verification_refuses_a_changed_header_a_wrong_key_and_an_old_timestamp()
    {
        var now = TimeProvider.System.GetUtcNow();
        var ts = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var canonical = string.Join('\n', "GET", "/x?y=1", ts, "id", "app", "tenant", "cred", "projects.read");
        Microsoft.AspNetCore.Http.DefaultHttpContext Request(string app, string key, string timestamp)
        {
            var c = new Microsoft.AspNetCore.Http.DefaultHttpContext();
            c.Request.Method = "GET";
            c.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget = "/x?y=1";
            foreach (var (n, v) in new[] { ("Gatehouse-Timestamp", timestamp), ("Gatehouse-App-Id", "id"), ("Gatehouse-App", app),
                ("Gatehouse-Tenant", "tenant"), ("Gatehouse-Credential", "cred"), ("Gatehouse-Scopes", "projects.read"),
                ("Gatehouse-Signature", Server.Gateway.GatewayIdentityHeaders.Sign(key, canonical)) })
                c.Request.Headers[n] = v;
            return c;
        }
        Assert.True(GatewayUpstream.VerifyGatehouse(Request("app", GatewayWorld.Key, ts).Request, GatewayWorld.Key, now, TimeSpan.FromSeconds(60)));
        Assert.False(GatewayUpstream.VerifyGatehouse(Request("other-app", GatewayWorld.Key, ts).Request, GatewayWorld.Key, now, TimeSpan.FromSeconds(60)));
        Assert.False(GatewayUpstream.VerifyGatehouse(Request("app", "another-key-another-key-another-key", ts).Request, GatewayWorld.Key, now, TimeSpan.FromSeconds(60)));
        Assert.False(GatewayUpstream.VerifyGatehouse(Request("app", GatewayWorld.Key, ts).Request, GatewayWorld.Key, now.AddMinutes(2), TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task A_key_without_the_routes_scope_is_refused_403_and_nothing_reaches_the_upstream()
    {
        var w = g.World;
        var (_, key) = await w.CreateKeyAsync(w.TenantA, PlatformScopes.IssuesRead);
        using var client = g.App.ClientWith(null);
        var marker = Guid.NewGuid().ToString("N");
        using var response = await client.SendAsync(Get($"/gw/tenants/{w.TenantA}/items/{marker}", key));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("auth.insufficient-scope", await ApiKeyWorld.CodeOf(response));
        Assert.Null(Received(marker));
        var usage = g.Usage.ByPath[$"/gw/tenants/{w.TenantA}/items/{marker}"];
        Assert.True(usage.ScopeViolation);
        Assert.Equal(PlatformScopes.ProjectsRead, usage.Scope);
    }

    [Fact]
    public async Task A_call_naming_a_tenant_the_key_is_not_bound_to_is_404_and_recorded_as_such()
    {
        var w = g.World;
        var (_, key) = await w.CreateKeyAsync(w.TenantA, PlatformScopes.ProjectsRead);
        using var client = g.App.ClientWith(null);
        var marker = Guid.NewGuid().ToString("N");
        using var response = await client.SendAsync(Get($"/gw/tenants/{w.TenantB}/items/{marker}", key));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("request.not-found", await ApiKeyWorld.CodeOf(response));
        Assert.Null(Received(marker));
        Assert.Equal(w.TenantB, g.Usage.ByPath[$"/gw/tenants/{w.TenantB}/items/{marker}"].NotInstalledTenant);
        using var notGuid = await client.SendAsync(Get($"/gw/tenants/not-a-tenant/items/{marker}", key));
        Assert.Equal(HttpStatusCode.NotFound, notGuid.StatusCode);
    }

    [Fact]
    public async Task A_wrong_key_or_none_is_401_and_a_method_without_a_scope_is_405()
    {
        var w = g.World;
        using var client = g.App.ClientWith(null);
        using var bogus = await client.SendAsync(Get($"/gw/tenants/{w.TenantA}/items/x", "ghk_" + new string('a', 40)));
        Assert.Equal(HttpStatusCode.Unauthorized, bogus.StatusCode);
        using var none = await client.SendAsync(Get($"/gw/tenants/{w.TenantA}/items/x", null));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        var (_, key) = await w.CreateKeyAsync(w.TenantA);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/gw/tenants/{w.TenantA}/items/x");
        delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var refused = await client.SendAsync(delete);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, refused.StatusCode);
    }

    [Fact]
    public async Task An_upstream_that_cannot_be_reached_is_a_502_problem()
    {
        var w = g.World;
        var (_, key) = await w.CreateKeyAsync(w.TenantA, PlatformScopes.ProjectsRead);
        using var client = g.App.ClientWith(null);
        using var response = await client.SendAsync(Get("/gw/down/anything", key));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("gateway.upstream-unavailable", await ApiKeyWorld.CodeOf(response));
    }

    [Fact]
    public async Task Large_bodies_stream_through_both_ways()
    {
        var w = g.World;
        var (_, key) = await w.CreateKeyAsync(w.TenantA);
        using var client = g.App.ClientWith(key);
        const int mb = 16;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = 0; i < mb; i++) sha.AppendData(GatewayUpstream.Chunk(i));
        var expected = Convert.ToHexStringLower(sha.GetHashAndReset());

        using var down = await client.GetAsync("/gw/big?mb=16", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, down.StatusCode);
        await using (var body = await down.Content.ReadAsStreamAsync())
            Assert.Equal(expected, Convert.ToHexStringLower(await SHA256.HashDataAsync(body)));

        var content = new StreamContent(new ChunkStream(mb));
        using var up = await client.PostAsync($"/gw/tenants/{w.TenantA}/items/upload", content);
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        Assert.Equal($"{mb << 20} {expected}", await up.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Every_gateway_route_requires_the_platform_policy_and_is_metered()
    {
        var endpoints = g.App.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints)
            .Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName.StartsWith("Gateway.", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(3, endpoints.Count);
        foreach (var e in endpoints)
        {
            Assert.NotNull(e.Metadata.GetMetadata<MeteredPlatformEndpoint>());
            Assert.Contains(e.Metadata.GetOrderedMetadata<IAuthorizeData>(), a => a.Policy == PlatformAuth.Policy);
            Assert.Null(e.Metadata.GetMetadata<IAllowAnonymous>());
        }
    }

    /// <summary>An upload of <c>mb</c> MiB of <see cref="GatewayUpstream.Chunk"/>s, produced as read (never whole in memory).</summary>
    private sealed class ChunkStream(int mb) : Stream
    {
        private int _chunk;
        private byte[] _current = [];
        private int _offset;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_offset == _current.Length)
            {
                if (_chunk == mb) return 0;
                _current = GatewayUpstream.Chunk(_chunk++);
                _offset = 0;
            }
            var n = Math.Min(count, _current.Length - _offset);
            Array.Copy(_current, _offset, buffer, offset, n);
            _offset += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
