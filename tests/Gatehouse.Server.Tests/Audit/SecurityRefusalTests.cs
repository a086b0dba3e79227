using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Tests.Downloads;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Server.Tests.Audit;

/// <summary>
/// Security refusals (docs/audit.md#security-refusals): the aggregator that turns a flood of refused requests
/// into one audit entry per actor, reason and window with bounded memory; and, on the real host, every kind of
/// refusal landing in the audit log as such an entry, readable by admins only.
/// </summary>
public sealed class SecurityRefusalTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    private static (RefusalAggregator, FakeTimeProvider) Aggregator(int maxKeys = 100, int maxSamples = 3)
    {
        var clock = new FakeTimeProvider(Start);
        return (new RefusalAggregator(clock, new SecurityRefusalsOptions { Window = TimeSpan.FromMinutes(1), MaxKeysPerWindow = maxKeys, MaxSamples = maxSamples }), clock);
    }

    [Fact]
    public void Refusals_of_one_actor_and_reason_in_a_window_become_one_summary_with_their_count_and_times()
    {
        var (agg, clock) = Aggregator();
        for (var i = 0; i < 50; i++)
        {
            agg.Add(RefusalReasons.OrgNotVisible, "user-1", "192.0.2.1", $"org:{i % 5}");
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }
        agg.Add(RefusalReasons.AuthForbidden, "user-1", "192.0.2.1", "GET /api/audit");

        Assert.Empty(agg.TakeDue()); // the window is still open
        clock.Advance(TimeSpan.FromMinutes(1));
        var due = agg.TakeDue();

        Assert.Equal(2, due.Count);
        var s = Assert.Single(due, x => x.Reason == RefusalReasons.OrgNotVisible);
        Assert.Equal(50, s.Count);
        Assert.Equal("user-1", s.Actor);
        Assert.Equal(Start, s.First);
        Assert.Equal(Start + TimeSpan.FromMilliseconds(4900), s.Last);
        Assert.Equal(["org:0", "org:1", "org:2"], s.Subjects); // bounded sample
        Assert.Equal(20, s.OtherSubjects);                      // org:3 and org:4, ten each
        Assert.Equal(1, Assert.Single(due, x => x.Reason == RefusalReasons.AuthForbidden).Count);
        Assert.Empty(agg.TakeDue()); // taken once; the next window starts empty
    }

    [Fact]
    public void Anonymous_callers_are_told_apart_by_address_and_known_actors_keep_a_sample_of_addresses()
    {
        var (agg, _) = Aggregator();
        agg.Add(RefusalReasons.PatRefused, "anonymous", "192.0.2.1", "/api/orgs: token unknown");
        agg.Add(RefusalReasons.PatRefused, "anonymous", "192.0.2.2", "/api/orgs: token unknown");
        agg.Add(RefusalReasons.PatRefused, "anonymous", "192.0.2.2", "/api/orgs: token unknown");
        agg.Add(RefusalReasons.OAuthInvalidGrant, "client:app", "192.0.2.1", null);
        agg.Add(RefusalReasons.OAuthInvalidGrant, "client:app", "192.0.2.3", null);

        var due = agg.TakeDue(force: true);

        Assert.Equal(3, due.Count);
        Assert.Equal(1, due.Single(s => s.Address == "192.0.2.1" && s.Reason == RefusalReasons.PatRefused).Count);
        Assert.Equal(2, due.Single(s => s.Address == "192.0.2.2").Count);
        var client = due.Single(s => s.Actor == "client:app");
        Assert.Equal(2, client.Count);
        Assert.Equal(["192.0.2.1", "192.0.2.3"], client.Addresses);
    }

    [Fact]
    public void Keys_beyond_the_cap_fold_into_one_overflow_summary_and_long_values_are_clipped()
    {
        var (agg, _) = Aggregator(maxKeys: 2);
        for (var i = 0; i < 10; i++)
            agg.Add(i % 2 == 0 ? RefusalReasons.ApiKeyRefused : RefusalReasons.OAuthInvalidClient, "anonymous", $"198.51.100.{i}", new string('x', 5000));

        Assert.Equal(2, agg.OpenKeys);
        var due = agg.TakeDue(force: true);

        Assert.Equal(3, due.Count);
        var overflow = Assert.Single(due, s => s.Reason == RefusalReasons.Overflow);
        Assert.Equal(8, overflow.Count);
        Assert.Equal(4, overflow.Reasons![RefusalReasons.ApiKeyRefused]);
        Assert.Equal(4, overflow.Reasons[RefusalReasons.OAuthInvalidClient]);
        Assert.Equal(3, overflow.Addresses.Count);
        Assert.All(due.Where(s => s.Reason != RefusalReasons.Overflow),
            s => Assert.True(s.Subjects.Single().Length <= RefusalAggregator.MaxFieldLength + 1));
    }

    [Fact]
    public async Task Every_kind_of_refusal_lands_in_the_audit_log_as_one_counted_entry_that_only_admins_read()
    {
        await using var w = await DownloadTests.StartAsync();
        var orgId = await w.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AppVersions.Where(v => v.Id == w.VersionId).Select(v => v.OrganizationId).SingleAsync());

        // 404 on another organisation, 50 times: one entry with count 50, no audit row per request.
        for (var i = 0; i < 50; i++)
            Assert.Equal(HttpStatusCode.NotFound, (await w.Outsider.GetAsync($"/api/orgs/{orgId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await w.Outsider.GetAsync($"/api/apps/{w.Slug}")).StatusCode);
        Assert.Equal(0, await RefusalRowsAsync(w.App));

        // An altered download signature, three times.
        var url = new Uri(await w.UrlAsync());
        var bad = url.PathAndQuery.Replace("&sig=", "&sig=A", StringComparison.Ordinal);
        using var anonymous = w.Anonymous();
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(bad)).StatusCode);

        // invalid_client at the token endpoint, twice.
        using var https = w.App.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        for (var i = 0; i < 2; i++)
        {
            using var r = await https.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = "no-such-client", ["client_secret"] = "guess",
            }));
            Assert.Equal("invalid_client", (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        }

        // A made-up API key and a made-up personal access token.
        using var key = w.App.ClientWith("ghk_live_AAAAAAAAAAA_" + new string('B', 39));
        for (var i = 0; i < 4; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await key.GetAsync("/platform/v1/projects")).StatusCode);
        using var pat = w.App.ClientWith("gatehouse_pat_not-a-real-token");
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await pat.GetAsync("/api/orgs")).StatusCode);
        // A bearer token on the platform API is an OAuth access token, judged by OAuth validation: not a refused PAT.
        using var oauthLike = w.App.ClientWith("eyJhbGciOiJub25lIn0.e30.x");
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await oauthLike.GetAsync("/platform/v1/projects")).StatusCode);

        // A non-admin may not read refusals (and that refusal is recorded too).
        Assert.Equal(HttpStatusCode.Forbidden, (await w.Vendor.GetAsync("/api/security/refusals")).StatusCode);
        Assert.Equal(0, await RefusalRowsAsync(w.App));

        var written = await w.App.Services.GetRequiredService<SecurityRefusalsFlusher>().FlushAsync(force: true, CancellationToken.None);
        Assert.Equal(written, await RefusalRowsAsync(w.App));

        var page = await w.Admin.GetFromJsonAsync<JsonElement>("/api/security/refusals?limit=100");
        var entries = page.GetProperty("entries").EnumerateArray().ToList();
        JsonElement One(string reason) => Assert.Single(entries, e => e.GetProperty("reason").GetString() == reason);
        var org = One(RefusalReasons.OrgNotVisible);
        Assert.Equal(51, org.GetProperty("count").GetInt64()); // 50 org reads and 1 app read by the same user
        var subjects = org.GetProperty("subjects").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Contains("org:" + orgId, subjects);
        Assert.Contains("app:" + w.Slug, subjects);
        Assert.Equal(3, One(RefusalReasons.DownloadBadSignature).GetProperty("count").GetInt64());
        var client = One(RefusalReasons.OAuthInvalidClient);
        Assert.Equal(2, client.GetProperty("count").GetInt64());
        Assert.Equal("anonymous", client.GetProperty("actor").GetString());
        Assert.Contains("client:no-such-client", client.GetProperty("subjects").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(4, One(RefusalReasons.ApiKeyRefused).GetProperty("count").GetInt64());
        Assert.Equal(5, One(RefusalReasons.PatRefused).GetProperty("count").GetInt64()); // not the 3 platform calls
        Assert.Contains("GET /api/security/refusals", One(RefusalReasons.AuthForbidden).GetProperty("subjects").EnumerateArray().Select(s => s.GetString()));

        // Filters, and the entries are ordinary links of the chain.
        var onlyPat = await w.Admin.GetFromJsonAsync<JsonElement>($"/api/security/refusals?reason={RefusalReasons.PatRefused}");
        Assert.Single(onlyPat.GetProperty("entries").EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await w.Admin.GetAsync("/api/security/refusals?reason=nonsense")).StatusCode);
        Assert.True((await w.Admin.GetFromJsonAsync<JsonElement>("/api/audit/verify")).GetProperty("intact").GetBoolean());
    }

    private static Task<int> RefusalRowsAsync(Support.GatehouseApp app) =>
        app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.CountAsync(e => e.Action.StartsWith(SecurityRefusals.ActionPrefix)));
}
