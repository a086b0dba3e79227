using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Analysis.Analyzers.Secrets;
using Gatehouse.Server.ApiKeys;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Platform;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Server.Tests.ApiKeys;

/// <summary>API keys: format and checksum, HMAC storage, expiry, rotation overlap, revoke, last used, who may manage them.</summary>
public sealed class ApiKeyTests(SharedServers servers) : IClassFixture<SharedServers>
{
    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_new_key_is_shown_once_has_the_documented_format_and_only_its_hmac_is_stored(DbKind db)
    {
        var app = await servers.For(db);
        var w = await ApiKeyWorld.CreateAsync(app);
        var (id, key) = await w.CreateKeyAsync(w.TenantA, PlatformScopes.ProjectsRead);
        Assert.Matches("^ghk_live_[0-9A-Za-z]{11}_[0-9A-Za-z]{39}$", key);
        Assert.True(GatehouseApiKeyFormat.TryParse(key, out var parsed, out _));
        Assert.Equal(id, parsed);

        using var dev = app.ClientWith(w.DeveloperToken);
        var listed = await dev.GetStringAsync($"/api/apps/{w.AppSlug}/api-keys");
        Assert.Contains(id, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(key, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(key[21..54], listed, StringComparison.Ordinal);

        var row = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().ApiKeys.AsNoTracking().SingleAsync(k => k.Id == id));
        Assert.Equal(64, row.Hmac.Length);
        Assert.DoesNotContain(key[21..54], row.Hmac, StringComparison.Ordinal);
        Assert.Equal(w.TenantA, row.TenantId);
        Assert.Equal(row.CreatedAt + TimeSpan.FromDays(90), row.ExpiresAt);
        // Nothing in the database (audit data included) holds the secret part of the key.
        var audit = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.AsNoTracking()
            .Where(e => e.Action == AuditActions.ApiKeyCreated && e.Subject == id).Select(e => e.Data).SingleAsync());
        Assert.DoesNotContain(key[21..54], audit, StringComparison.Ordinal);

        using var withKey = app.ClientWith(key);
        Assert.Equal(HttpStatusCode.OK, (await withKey.GetAsync("/platform/v1/projects")).StatusCode);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_one_character_typo_is_refused_by_the_checksum_before_any_lookup(DbKind db)
    {
        var app = await servers.For(db);
        var w = await ApiKeyWorld.CreateAsync(app);
        var (_, key) = await w.CreateKeyAsync(w.TenantA);
        var i = key.Length - 12;
        var typo = key[..i] + (key[i] == 'x' ? 'y' : 'x') + key[(i + 1)..];

        var results = new List<string>();
        var factory = app.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (inst, l) =>
        {
            if (inst.Meter.Name == ApiKeyMetrics.MeterName && ReferenceEquals(inst.Meter.Scope, factory)) l.EnableMeasurementEvents(inst);
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var t in tags) if (t.Key == "result") lock (results) results.Add((string)t.Value!);
        });
        listener.Start();

        using var client = app.ClientWith(typo);
        var r = await client.GetAsync("/platform/v1/projects");
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Equal("auth.invalid-token", await ApiKeyWorld.CodeOf(r));
        Assert.Contains("invalid_token", r.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        // "malformed" is decided by GatehouseApiKeyFormat.TryParse, before the database is asked.
        lock (results) Assert.Equal(["malformed"], results);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_key_stops_working_when_it_expires(DbKind db)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        await using var app = await GatehouseApp.StartAsync(db, services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        var w = await ApiKeyWorld.CreateAsync(app);
        using var dev = app.ClientWith(w.DeveloperToken);
        var created = await dev.PostAsJsonAsync($"/api/apps/{w.AppSlug}/api-keys",
            new { name = "short", scopes = new[] { PlatformScopes.ProjectsRead }, tenantId = w.TenantA, expiresInDays = 1 });
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        using var client = app.ClientWith(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/platform/v1/projects")).StatusCode);
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/platform/v1/projects")).StatusCode);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Expiry_must_be_set_within_a_year(DbKind db)
    {
        var app = await servers.For(db);
        var w = await ApiKeyWorld.CreateAsync(app);
        using var dev = app.ClientWith(w.DeveloperToken);
        var r = await dev.PostAsJsonAsync($"/api/apps/{w.AppSlug}/api-keys",
            new { name = "forever", scopes = new[] { PlatformScopes.ProjectsRead }, expiresInDays = 366 });
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var s = await dev.PostAsJsonAsync($"/api/apps/{w.AppSlug}/api-keys", new { name = "odd", scopes = new[] { "admin" } });
        Assert.Equal(HttpStatusCode.BadRequest, s.StatusCode);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task After_rotation_the_old_key_works_until_the_overlap_ends_and_the_new_key_keeps_working(DbKind db)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        await using var app = await GatehouseApp.StartAsync(db, services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        var w = await ApiKeyWorld.CreateAsync(app);
        var (oldId, oldKey) = await w.CreateKeyAsync(w.TenantA, PlatformScopes.ProjectsRead);
        using var dev = app.ClientWith(w.DeveloperToken);
        var rotated = await dev.PostAsJsonAsync($"/api/api-keys/{oldId}/rotate", new { overlapHours = 2 });
        Assert.Equal(HttpStatusCode.Created, rotated.StatusCode);
        var body = await rotated.Content.ReadFromJsonAsync<JsonElement>();
        var newKey = body.GetProperty("key").GetString()!;
        Assert.NotEqual(oldKey, newKey);
        Assert.Equal(w.TenantA, body.GetProperty("tenantId").GetGuid());

        using var oldClient = app.ClientWith(oldKey);
        using var newClient = app.ClientWith(newKey);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.OK, (await oldClient.GetAsync("/platform/v1/projects")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await newClient.GetAsync("/platform/v1/projects")).StatusCode);
        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await oldClient.GetAsync("/platform/v1/projects")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await newClient.GetAsync("/platform/v1/projects")).StatusCode);

        var old = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().ApiKeys.AsNoTracking().SingleAsync(k => k.Id == oldId));
        Assert.Equal(body.GetProperty("id").GetString(), old.ReplacedBy);
        Assert.True(await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries
            .AnyAsync(e => e.Action == AuditActions.ApiKeyRotated && e.Subject == oldId)));
        Assert.Equal(HttpStatusCode.BadRequest, (await dev.PostAsJsonAsync($"/api/api-keys/{body.GetProperty("id").GetString()}/rotate", new { overlapHours = 169 })).StatusCode);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_revoked_key_is_refused_at_once(DbKind db)
    {
        var app = await servers.For(db);
        var w = await ApiKeyWorld.CreateAsync(app);
        var (id, key) = await w.CreateKeyAsync(w.TenantA, PlatformScopes.ProjectsRead);
        using var client = app.ClientWith(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/platform/v1/projects")).StatusCode);
        using var dev = app.ClientWith(w.DeveloperToken);
        Assert.Equal(HttpStatusCode.NoContent, (await dev.DeleteAsync($"/api/api-keys/{id}")).StatusCode);
        var after = await client.GetAsync("/platform/v1/projects");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("auth.invalid-token", await ApiKeyWorld.CodeOf(after));
        Assert.True(await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries
            .AnyAsync(e => e.Action == AuditActions.ApiKeyRevoked && e.Subject == id)));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Use_of_a_key_is_recorded_as_last_used(DbKind db)
    {
        var app = await servers.For(db);
        var w = await ApiKeyWorld.CreateAsync(app);
        var (id, key) = await w.CreateKeyAsync(w.TenantA, PlatformScopes.ProjectsRead);
        Assert.Null(await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().ApiKeys.Where(k => k.Id == id).Select(k => k.LastUsedAt).SingleAsync()));
        using var client = app.ClientWith(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/platform/v1/projects")).StatusCode);
        using var dev = app.ClientWith(w.DeveloperToken);
        var list = await dev.GetFromJsonAsync<JsonElement>($"/api/apps/{w.AppSlug}/api-keys");
        var listed = list.EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
        Assert.Equal(JsonValueKind.String, listed.GetProperty("lastUsedAt").ValueKind);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_key_is_not_a_credential_for_the_gatehouse_api(DbKind db)
    {
        var app = await servers.For(db);
        var w = await ApiKeyWorld.CreateAsync(app);
        var (_, key) = await w.CreateKeyAsync(w.TenantA);
        using var client = app.ClientWith(key);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/apps/{w.AppSlug}/api-keys")).StatusCode);
        // And a personal access token is not a credential for the platform API.
        using var pat = app.ClientWith(w.DeveloperToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await pat.GetAsync("/platform/v1/projects")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await pat.GetAsync("/api/me")).StatusCode);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_developer_of_another_organisation_can_neither_see_nor_manage_the_keys(DbKind db)
    {
        var app = await servers.For(db);
        var w = await ApiKeyWorld.CreateAsync(app);
        var (id, key) = await w.CreateKeyAsync(w.TenantA);
        var (devB, tokenB) = await app.UserWithTokenAsync(Roles.Developer, "other-dev");
        await app.CreateOrganizationAsync(devB.Id);
        using var other = app.ClientWith(tokenB);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/apps/{w.AppSlug}/api-keys")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/api/apps/{w.AppSlug}/api-keys",
            new { name = "mine now", scopes = new[] { PlatformScopes.ProjectsRead }, tenantId = w.TenantA })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/api/api-keys/{id}/rotate", new { overlapHours = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/api-keys/{id}")).StatusCode);
        using var client = app.ClientWith(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/platform/v1/projects")).StatusCode);
        Assert.Equal(1, await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().ApiKeys.CountAsync(k => k.AppId != Guid.Empty && k.OrganizationId == w.OrgId)));
    }
}
