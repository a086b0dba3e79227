using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Server.Tests.Gateway;

/// <summary>A request as the upstream saw it, with the upstream's own verdict on the identity headers.</summary>
public sealed record UpstreamRequest(string Method, string RawTarget, IReadOnlyDictionary<string, string> Headers, bool SignatureValid)
{
    public string Header(string name) => Headers.TryGetValue(name, out var v) ? v : "";
}

/// <summary>
/// A platform's API behind the gateway: a small Kestrel app on 127.0.0.1 (a free port) that verifies the identity
/// headers exactly as docs/gateway.md tells an upstream to (<see cref="VerifyGatehouse"/>), records every request and
/// answers: <c>/tenants/.../items/...</c> 201 with a body and a header, <c>/big?mb=N</c> N MiB of bytes,
/// <c>POST .../upload</c> the SHA-256 of what it read.
/// </summary>
public sealed class GatewayUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ConcurrentQueue<UpstreamRequest> Requests { get; } = new();
    public string BaseUrl { get; private set; } = "";

    private GatewayUpstream(WebApplication app) => _app = app;

    public static async Task<GatewayUpstream> StartAsync(string key)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => { o.Listen(IPAddress.Loopback, 0); o.Limits.MaxRequestBodySize = null; });
        var app = builder.Build();
        var upstream = new GatewayUpstream(app);
        app.Run(async ctx =>
        {
            var valid = VerifyGatehouse(ctx.Request, key, TimeProvider.System.GetUtcNow(), TimeSpan.FromSeconds(60));
            var headers = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            upstream.Requests.Enqueue(new UpstreamRequest(ctx.Request.Method, ctx.Features.Get<IHttpRequestFeature>()!.RawTarget, headers, valid));
            if (ctx.Request.Path.StartsWithSegments("/big"))
            {
                var mb = int.Parse(ctx.Request.Query["mb"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
                ctx.Response.ContentType = "application/octet-stream";
                ctx.Response.ContentLength = mb * (1L << 20);
                for (var i = 0; i < mb; i++) await ctx.Response.Body.WriteAsync(Chunk(i));
                return;
            }
            if (HttpMethods.IsPost(ctx.Request.Method) && ctx.Request.Path.Value!.EndsWith("/upload", StringComparison.Ordinal))
            {
                using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[81920];
                long total = 0;
                int n;
                while ((n = await ctx.Request.Body.ReadAsync(buffer)) > 0) { sha.AppendData(buffer, 0, n); total += n; }
                await ctx.Response.WriteAsync($"{total} {Convert.ToHexStringLower(sha.GetHashAndReset())}");
                return;
            }
            ctx.Response.StatusCode = 201;
            ctx.Response.Headers["X-Upstream"] = "yes";
            await ctx.Response.WriteAsync("upstream says hello");
        });
        await app.StartAsync();
        upstream.BaseUrl = app.Urls.First().TrimEnd('/');
        return upstream;
    }

    /// <summary>The i-th MiB of the big answer (deterministic, so the test can hash it).</summary>
    public static byte[] Chunk(int i)
    {
        var bytes = new byte[1 << 20];
        for (var j = 0; j < bytes.Length; j++) bytes[j] = (byte)(j * 31 + i * 7);
        return bytes;
    }

    // ---- the verification snippet of docs/gateway.md, verbatim: the test runs what the docs tell an upstream to run.

    /// <summary>True when the request's Gatehouse-* headers were signed by the gateway with <paramref name="key"/>, within <paramref name="window"/>.</summary>
    public static bool VerifyGatehouse(HttpRequest request, string key, DateTimeOffset now, TimeSpan window)
    {
        string H(string name) => request.Headers[name].ToString();
        var timestamp = H("Gatehouse-Timestamp");
        if (!long.TryParse(timestamp, out var ts) || Math.Abs(now.ToUnixTimeSeconds() - ts) > window.TotalSeconds) return false;
        var target = request.HttpContext.Features.Get<IHttpRequestFeature>()!.RawTarget; // path and query exactly as sent
        var canonical = string.Join('\n', request.Method, target, timestamp, H("Gatehouse-App-Id"), H("Gatehouse-App"),
            H("Gatehouse-Tenant"), H("Gatehouse-Credential"), H("Gatehouse-Scopes"));
        var expected = "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(canonical)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(H("Gatehouse-Signature")));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
