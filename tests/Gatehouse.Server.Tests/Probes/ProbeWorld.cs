using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Data;
using Gatehouse.Server.Notifications;
using Gatehouse.Server.Tests.Apps;
using Gatehouse.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Server.Tests.Probes;

/// <summary>
/// A running server whose probe trusts the test CA (and, unless told otherwise, may reach 127.0.0.1), a test
/// integration, and a vendor and reviewer (<see cref="LifecycleWorld"/>) who drive web-integration versions.
/// </summary>
internal sealed class ProbeWorld : IAsyncDisposable
{
    public required LifecycleWorld W { get; init; }
    public required FakeTimeProvider Clock { get; init; }
    public required TestPki Pki { get; init; }
    public required TestIntegration Integration { get; init; }
    public required System.Security.Cryptography.X509Certificates.X509Certificate2 Leaf { get; init; }

    /// <param name="engines">Also configure the scan engines (clamd), for versions that carry an artifact as well.</param>
    public static async Task<ProbeWorld> StartAsync(DbKind db, IntegrationMode mode = IntegrationMode.Good, bool allowLoopback = true, bool engines = false)
    {
        var pki = new TestPki();
        var leaf = pki.Leaf(); // Kestrel uses it until the end: disposed with the world
        var integration = await TestIntegration.StartAsync(leaf, mode);
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var settings = new Dictionary<string, string?>
        {
            ["Gatehouse:Probe:TrustedRootsFile"] = pki.RootsFile,
            ["Gatehouse:Probe:RequestTimeout"] = "00:00:05",
            // The clock jumps by days: the periodic loops would otherwise run once per minute of fake time on each jump.
            // The tests run the lifecycle's clock themselves (LifecycleTicker).
            ["Jobs:ReconcileInterval"] = "1.00:00:00",
            ["Notifications:DispatchInterval"] = "1.00:00:00",
        };
        if (allowLoopback) settings["Gatehouse:Probe:AllowedAddresses:0"] = "127.0.0.1";
        if (engines) foreach (var (k, v) in LifecycleWorld.Engines()) settings[k] = v;
        var w = await LifecycleWorld.StartAsync(db, clock, settings);
        return new ProbeWorld { W = w, Clock = clock, Pki = pki, Leaf = leaf, Integration = integration };
    }

    /// <summary>A web integration and a draft version by reference (the test integration) with declared endpoints, answered and attested.</summary>
    public async Task<string> PrepareAsync(string version = "1.0.0", string? reference = null, bool webhook = false)
    {
        var slug = await W.CreateAppAsync("web-integration");
        reference ??= Integration.BaseUrl;
        var create = await W.Vendor.PostAsJsonAsync($"/api/apps/{slug}/versions",
            new { version, reference, endpoints = new[] { "/api/data", new Uri(new Uri(reference), "/api/items").ToString() } });
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        if (webhook) await AddLifecycleWebhookAsync(slug, new Uri(new Uri(reference), "/webhooks/lifecycle").ToString());
        Assert.Equal(HttpStatusCode.OK, (await W.Vendor.PutAsJsonAsync($"/api/apps/{slug}/versions/{version}/answers", LifecycleWorld.Answers("web-integration"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await W.Vendor.PostAsJsonAsync($"/api/apps/{slug}/versions/{version}/attestation", new { name = "Dana Smith, CISO", accept = true })).StatusCode);
        return slug;
    }

    /// <summary>The app's lifecycle webhook (its API is built elsewhere; the probe only reads the row).</summary>
    public Task AddLifecycleWebhookAsync(string slug, string url) =>
        W.App.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var app = db.Apps.Single(a => a.Slug == slug);
            db.WebhookEndpoints.Add(new WebhookEndpoint
            {
                Id = Guid.NewGuid(), OrganizationId = app.OrganizationId, AppId = app.Id, Url = url, ProtectedSecret = "not-used-by-the-probe",
                Events = "app.installed,app.uninstalled", Active = true, CreatedBy = "test", CreatedAt = Clock.GetUtcNow(),
            });
            await db.SaveChangesAsync();
        });

    public async Task<JsonElement> SubmitAndWaitAsync(string slug, string version = "1.0.0")
    {
        var submit = await W.ActAsync(W.Vendor, slug, version, "submit");
        Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
        return await W.WaitForReviewAsync(slug, version);
    }

    /// <summary>The stored probe report of the version's current scan.</summary>
    public async Task<JsonElement> CurrentReportAsync(string slug, string version = "1.0.0")
    {
        var scanId = (await W.VersionAsync(slug, version)).GetProperty("version").GetProperty("currentScanId").GetGuid();
        return (await W.Vendor.GetFromJsonAsync<JsonElement>($"/api/scans/{scanId}")).GetProperty("report");
    }

    public async ValueTask DisposeAsync()
    {
        await W.DisposeAsync();
        await Integration.DisposeAsync();
        Leaf.Dispose();
        Pki.Dispose();
    }
}
