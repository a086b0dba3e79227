using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Analysis.Questionnaires;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Evidence;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Server.Tests.Apps;

/// <summary>
/// A running server with a vendor (organisation owner), an independent reviewer and helpers that drive
/// the lifecycle through the public API, the way a vendor's CI and a reviewer's console would.
/// </summary>
internal sealed class LifecycleWorld : IAsyncDisposable
{
    public required GatehouseApp App { get; init; }
    public required FakeTimeProvider? Clock { get; init; }
    public required Organization Org { get; init; }
    public required HttpClient Vendor { get; init; }
    public required HttpClient Reviewer { get; init; }
    public required string ReviewerId { get; init; }
    public required string VendorId { get; init; }

    public static Dictionary<string, string?> Engines(string? clamd = null) => new()
    {
        ["Scanning:ClamdEndpoint"] = clamd ?? Environment.GetEnvironmentVariable("GATEHOUSE_TEST_CLAMD")
            ?? throw new InvalidOperationException("GATEHOUSE_TEST_CLAMD is not set; ./test.sh starts clamd and sets it."),
    };

    /// <summary>Whether disposing the world stops <see cref="App"/> (a server of its own, not a shared one).</summary>
    private bool OwnsApp { get; init; }

    /// <summary>A world on a server of its own (with the scan engines, or <paramref name="settings"/>), stopped with the world.</summary>
    public static async Task<LifecycleWorld> StartAsync(DbKind db, FakeTimeProvider? clock = null, Dictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var app = await GatehouseApp.StartAsync(db, settings ?? Engines(), s =>
        {
            if (clock is not null) s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock));
            services?.Invoke(s);
        });
        return await OnAsync(app, clock, ownsApp: true);
    }

    /// <summary>
    /// A world on the class's shared server with the scan engines: a new vendor organisation and reviewer. Disposing
    /// the world leaves the server running.
    /// </summary>
    public static async Task<LifecycleWorld> OnAsync(SharedServers servers, DbKind db) =>
        await OnAsync(await servers.For(db, Engines()), clock: null, ownsApp: false);

    /// <summary>A world on the class's shared server with the scan engines and <paramref name="settings"/> besides.</summary>
    public static async Task<LifecycleWorld> OnAsync(SharedServers servers, DbKind db, Dictionary<string, string?> settings)
    {
        var all = Engines();
        foreach (var (key, value) in settings) all[key] = value;
        return await OnAsync(await servers.For(db, all), clock: null, ownsApp: false);
    }

    /// <summary>A world on <paramref name="app"/> (e.g. a Kestrel server a real client reaches), which the caller stops.</summary>
    public static Task<LifecycleWorld> OnAppAsync(GatehouseApp app) => OnAsync(app, clock: null, ownsApp: false);

    private static async Task<LifecycleWorld> OnAsync(GatehouseApp app, FakeTimeProvider? clock, bool ownsApp)
    {
        var vendor = await app.CreateUserAsync(Roles.Developer, "vendor");
        var reviewer = await app.CreateUserAsync(Roles.Reviewer, "reviewer");
        var org = await app.CreateOrganizationAsync(vendor.Id);
        return new LifecycleWorld
        {
            App = app, Clock = clock, Org = org, ReviewerId = reviewer.Id, VendorId = vendor.Id, OwnsApp = ownsApp,
            Vendor = app.ClientWith(await LongTokenAsync(app, vendor.Id, Roles.Developer)),
            Reviewer = app.ClientWith(await LongTokenAsync(app, reviewer.Id, Roles.Reviewer)),
        };
    }

    /// <summary>Tokens that outlive the clock jumps of rescan tests.</summary>
    public static Task<string> LongTokenAsync(GatehouseApp app, string userId, string role) =>
        app.WithScopeAsync(async sp => (await sp.GetRequiredService<TokenService>()
            .IssueAsync(userId, "lifecycle", Scopes.AllowedFor([role]), TimeSpan.FromDays(366), CancellationToken.None)).Token);

    public async Task<string> CreateAppAsync(string type = "downloadable", string tier = "standard")
    {
        var slug = $"app-{Guid.NewGuid():N}"[..20];
        var r = await Vendor.PostAsJsonAsync($"/api/orgs/{Org.Id}/apps", new { slug, name = "Acme Sync", type, tier });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        return slug;
    }

    /// <summary>Creates a version, uploads <paramref name="artifact"/>, answers the questionnaire, attests.</summary>
    public async Task PrepareAsync(string slug, string version, byte[] artifact, string type = "downloadable", string? failQuestion = null)
    {
        Assert.Equal(HttpStatusCode.Created, (await Vendor.PostAsJsonAsync($"/api/apps/{slug}/versions", new { version })).StatusCode);
        await UploadAsync(slug, version, artifact);
        var answers = await Vendor.PutAsJsonAsync($"/api/apps/{slug}/versions/{version}/answers", Answers(type, failQuestion));
        Assert.Equal(HttpStatusCode.OK, answers.StatusCode);
        var attest = await Vendor.PostAsJsonAsync($"/api/apps/{slug}/versions/{version}/attestation", new { name = "Dana Smith, CISO", accept = true });
        Assert.Equal(HttpStatusCode.OK, attest.StatusCode);
    }

    public async Task UploadAsync(string slug, string version, byte[] artifact)
    {
        var up = await Vendor.PutAsync($"/api/apps/{slug}/versions/{version}/artifact?name=acme-sync.zip",
            new ByteArrayContent(artifact) { Headers = { ContentType = new("application/octet-stream") } });
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
    }

    /// <summary>Answers every question with an option that scores info; <paramref name="failQuestion"/> (or the first question that can fail) gets a failing answer when asked.</summary>
    public static Dictionary<string, string> Answers(string type, string? failQuestion = null)
    {
        var q = QuestionnaireSet.LoadEmbedded().Get(type);
        var answers = new Dictionary<string, string>();
        foreach (var item in q.Items)
        {
            if (item.Kind == QuestionKind.Text) { answers[item.Id] = "We rotate credentials quarterly and on every staff change."; continue; }
            var fail = item.Id == failQuestion ? item.Options.FirstOrDefault(o => o.Score == QuestionScore.Fail) : null;
            answers[item.Id] = (fail ?? item.Options.First(o => o.Score == QuestionScore.Info)).Value;
        }
        return answers;
    }

    public static string FirstFailableQuestion(string type) =>
        QuestionnaireSet.LoadEmbedded().Get(type).Items.First(i => i.Options.Any(o => o.Score == QuestionScore.Fail)).Id;

    public Task<HttpResponseMessage> ActAsync(HttpClient who, string slug, string version, string action, string[]? reasons = null, string? text = null) =>
        who.PostAsJsonAsync($"/api/apps/{slug}/versions/{version}/actions", new { action, reasonCodes = reasons ?? [], text });

    public async Task<JsonElement> VersionAsync(string slug, string version) =>
        await Vendor.GetFromJsonAsync<JsonElement>($"/api/apps/{slug}/versions/{version}");

    public async Task<string> StateAsync(string slug, string version) =>
        (await VersionAsync(slug, version)).GetProperty("version").GetProperty("state").GetString()!;

    /// <summary>Waits (up to two minutes) until the version leaves the scanning states, or until <paramref name="until"/> holds.</summary>
    public async Task<JsonElement> WaitForReviewAsync(string slug, string version, Func<JsonElement, bool>? until = null)
    {
        for (var i = 0; i < 1200; i++)
        {
            var v = await VersionAsync(slug, version);
            if (until?.Invoke(v) ?? v.GetProperty("version").GetProperty("state").GetString() is not ("submitted" or "scanning")) return v;
            await Task.Delay(100);
        }
        throw new TimeoutException($"{slug} {version} did not get there within two minutes");
    }

    /// <summary>Runs the lifecycle's clock once (what the reconciler does every minute).</summary>
    public Task<int> TickAsync() => App.WithScopeAsync(sp => sp.GetRequiredService<Gatehouse.Server.Apps.LifecycleTicker>().RunOnceAsync(CancellationToken.None));

    /// <summary>Puts verified evidence on file for the organisation (the evidence review itself is tested elsewhere).</summary>
    public Task AddEvidenceAsync(string type, DateTimeOffset validFrom, DateTimeOffset validUntil) =>
        App.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            db.EvidenceItems.Add(new EvidenceItem
            {
                Id = Guid.NewGuid(), OrganizationId = Org.Id, Type = type, Issuer = "Example Certification Ltd", Scope = "all products",
                ValidFrom = validFrom, ValidUntil = validUntil, BlobDigest = "sha256:" + new string('0', 64), FileName = "cert.pdf", Size = 1,
                Status = EvidenceStatus.Verified, UploadedBy = "test", UploadedAt = validFrom, ReviewedBy = ReviewerId, ReviewedAt = validFrom,
            });
            await db.SaveChangesAsync();
        });

    public static async Task<(string? Code, List<string> Guards)> ProblemAsync(HttpResponseMessage r)
    {
        var body = await r.Content.ReadFromJsonAsync<JsonElement>();
        var guards = body.TryGetProperty("guards", out var g) ? g.EnumerateArray().Select(x => x.GetProperty("code").GetString()!).ToList() : [];
        return (body.TryGetProperty("code", out var c) ? c.GetString() : null, guards);
    }

    public async ValueTask DisposeAsync()
    {
        Vendor.Dispose();
        Reviewer.Dispose();
        if (OwnsApp) await App.DisposeAsync();
    }
}
