using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.ApiKeys;
using Gatehouse.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Usage.Metering;

/// <summary><c>POST /api/usage/events</c>: validation per event, idempotency by id (also concurrent), bounded and authorized before reading.</summary>
public sealed class UsageIngestionTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private const string Route = "/api/usage/events";

    private static object Event(string id, string app, DateTimeOffset at, int status = 200, string endpoint = "GET /v1/things/{id}") =>
        new { id, at, app, tenantId = (Guid?)null, credentialId = "k1", endpoint, scope = "things.read", status, latencyMs = 12.5, bytesOut = 300 };

    private static async Task<JsonElement> PostAsync(HttpClient client, params object[] events)
    {
        var r = await client.PostAsJsonAsync(Route, new { events });
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Valid_events_are_counted_once_bad_ones_rejected_with_a_reason_and_a_resend_counts_nothing(DbKind db)
    {
        var app = await servers.For(db);
        var w = await ApiKeyWorld.CreateAsync(app);
        var (_, admin) = await app.UserWithTokenAsync(Roles.Admin, "ingest-admin");
        using var client = app.ClientWith(admin);
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var p = Guid.NewGuid().ToString("N")[..8];
        object[] batch =
        [
            Event($"{p}-1", w.AppSlug, now), Event($"{p}-2", w.AppSlug, now, 500), Event($"{p}-1", w.AppSlug, now),
            Event($"{p}-3", "no-such-app", now), Event($"{p}-4", w.AppSlug, now.AddDays(-30)), Event($"{p}-5", w.AppSlug, now.AddHours(1)),
            Event($"{p}-6", w.AppSlug, now, status: 42),
        ];
        var first = await PostAsync(client, batch);
        Assert.Equal(2, first.GetProperty("accepted").GetInt32());
        Assert.Equal(1, first.GetProperty("duplicates").GetInt32());
        var rejected = first.GetProperty("rejected").EnumerateArray().ToDictionary(e => e.GetProperty("id").GetString()!, e => e.GetProperty("reason").GetString()!);
        Assert.Equal(["-3", "-4", "-5", "-6"], rejected.Keys.Select(k => k[p.Length..]).Order());
        Assert.Equal("unknown app", rejected[$"{p}-3"]);

        var again = await PostAsync(client, batch);
        Assert.Equal((0, 3), (again.GetProperty("accepted").GetInt32(), again.GetProperty("duplicates").GetInt32()));

        var rows = await MeteringHostTests.RowsOfAsync(app, w.AppSlug);
        Assert.Equal((2L, 1L, 1L), (rows.Sum(r => r.Calls), rows.Sum(r => r.Status2xx), rows.Sum(r => r.Status5xx)));
        Assert.All(rows, r => Assert.Equal(("ingest", "GET /v1/things/{id}"), (r.Source, r.Endpoint)));
        Assert.Equal(600, rows.Sum(r => r.BytesOut));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task The_same_batch_sent_concurrently_is_counted_exactly_once(DbKind db)
    {
        var app = await servers.For(db);
        var w = await ApiKeyWorld.CreateAsync(app);
        var (_, admin) = await app.UserWithTokenAsync(Roles.Admin, "ingest-admin");
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var batch = Enumerable.Range(0, 200).Select(i => Event($"c-{Guid.NewGuid():N}", w.AppSlug, now.AddSeconds(-i))).ToArray();
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var client = app.ClientWith(admin);
            return await PostAsync(client, batch);
        }));
        Assert.Equal(200, results.Sum(r => r.GetProperty("accepted").GetInt32()));
        Assert.Equal(600, results.Sum(r => r.GetProperty("duplicates").GetInt32()));
        Assert.Equal(200, (await MeteringHostTests.RowsOfAsync(app, w.AppSlug)).Sum(r => r.Calls));
    }

    [Fact]
    public async Task Hostile_bodies_are_refused_a_stranger_before_any_body_is_read()
    {
        var app = await servers.For(DbKind.Sqlite);
        var w = await ApiKeyWorld.CreateAsync(app);
        var (_, admin) = await app.UserWithTokenAsync(Roles.Admin, "ingest-admin");
        var (_, developer) = await app.UserWithTokenAsync(Roles.Developer, "ingest-dev");
        var huge = new string(' ', 2 * 1024 * 1024) + "{}";

        using (var stranger = app.ClientWith(null))
            Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.PostAsync(Route, new StringContent(huge, Encoding.UTF8, "application/json"))).StatusCode);
        using (var dev = app.ClientWith(developer))
            Assert.Equal(HttpStatusCode.Forbidden, (await dev.PostAsync(Route, new StringContent("{\"events\":[]}", Encoding.UTF8, "application/json"))).StatusCode);

        using var client = app.ClientWith(admin);
        var tooLarge = await client.PostAsync(Route, new StringContent(huge, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("request.too-large", await ApiKeyWorld.CodeOf(tooLarge));
        var malformed = await client.PostAsync(Route, new StringContent("{\"events\":[{\"id\":", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("request.invalid", await ApiKeyWorld.CodeOf(malformed));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync(Route, new StringContent("[]", Encoding.UTF8, "application/json"))).StatusCode);

        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var tenThousand = Enumerable.Range(0, 10_000).Select(i => new { id = $"t{i}", at = now, app = w.AppSlug, endpoint = "GET /x", status = 200 }).ToArray();
        var many = await client.PostAsJsonAsync(Route, new { events = tenThousand });
        Assert.True(many.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"{(int)many.StatusCode}");
        var thousand = await PostAsync(client, tenThousand[..1_000]);
        Assert.Equal(1_000, thousand.GetProperty("accepted").GetInt32());
        Assert.Equal(1_000, (await MeteringHostTests.RowsOfAsync(app, w.AppSlug)).Sum(r => r.Calls));
    }
}
