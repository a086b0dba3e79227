using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Downloads;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Downloads;

/// <summary>
/// The small gaps of signed downloads (issue 12, item 8): the download CSP, one count and audit entry per URL and
/// client within the window, the anonymous rate limit, canonical <c>exp</c>, 405 for other methods, unknown Range units.
/// </summary>
public sealed class DownloadHardeningTests
{
    [Fact]
    public async Task Downloads_are_sandboxed_counted_once_per_window_strictly_parsed_and_rate_limited()
    {
        await using var w = await DownloadTests.StartAsync(settings: new Dictionary<string, string?> { ["Downloads:RateLimitPerMinute"] = "75" });
        var url = await w.UrlAsync();
        using var client = w.Anonymous();

        // The documented CSP, not the console's, on the file and on a refusal.
        using var full = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.Equal("default-src 'none'; sandbox", string.Join(",", full.Headers.GetValues("Content-Security-Policy")));

        // 60 one-byte ranges in the same second: served, but one download row and one audit entry with the first request.
        for (var i = 0; i < 60; i++)
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Range = new RangeHeaderValue(i, i) } };
            using var r = await client.SendAsync(req);
            Assert.Equal(HttpStatusCode.PartialContent, r.StatusCode);
            Assert.Equal(w.Content[i..(i + 1)], await r.Content.ReadAsByteArrayAsync());
        }
        var (rows, served) = await w.App.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            return (await db.Set<DownloadRecord>().CountAsync(),
                await db.AuditEntries.CountAsync(a => a.Action == DownloadAuditActions.Served));
        });
        Assert.Equal(1, rows);
        Assert.Equal(1, served);
        // After the window, the same URL from the same client counts again.
        w.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url)).StatusCode);
        Assert.Equal(2, await w.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Set<DownloadRecord>().CountAsync()));

        // A Range in an unknown unit is ignored: the whole file, 200.
        using (var items = new HttpRequestMessage(HttpMethod.Get, url))
        {
            items.Headers.TryAddWithoutValidation("Range", "items=0-1");
            using var r = await client.SendAsync(items);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(w.Content, await r.Content.ReadAsByteArrayAsync());
        }

        // exp has one spelling: a leading zero, a plus or spaces make the URL invalid.
        var exp = System.Text.RegularExpressions.Regex.Match(url, "exp=([0-9]+)").Groups[1].Value;
        foreach (var bad in new[] { "0" + exp, "%2B" + exp, "%20" + exp })
        {
            using var r = await client.GetAsync(url.Replace("exp=" + exp, "exp=" + bad, StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Equal("default-src 'none'; sandbox", string.Join(",", r.Headers.GetValues("Content-Security-Policy")));
        }

        // Other methods: 405 with Allow, never a redirect.
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, new HttpMethod("FOO") })
        {
            using var r = await client.SendAsync(new HttpRequestMessage(method, url));
            Assert.Equal(HttpStatusCode.MethodNotAllowed, r.StatusCode);
            Assert.Equal("GET, HEAD", string.Join(", ", r.Content.Headers.Allow));
        }

        // 75 requests a minute from one address (66 so far plus the 405s do not count): then 429 with Retry-After.
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 20 && limited is null; i++)
        {
            var r = await client.GetAsync(url);
            if (r.StatusCode == HttpStatusCode.TooManyRequests) limited = r;
            else Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("request.rate-limited", (await limited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }
}
