using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Identity;
using Gatehouse.Server.OAuth;
using Gatehouse.Server.Registry;
using Gatehouse.Server.Tests.OAuth;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Registry;

/// <summary>
/// One Gatehouse (Kestrel on 127.0.0.1) and one real docker-registry whose token authentication points at it, shared by
/// the tests of <see cref="RegistryDistributionTests"/>: a container app with a version published through the lifecycle
/// (so the registry.publish work pushes it), tenant A that installed it and tenant B that did not.
/// </summary>
public sealed class RegistryWorld : IAsyncLifetime
{
    public const string Service = "gatehouse-registry-test";
    public const string Issuer = "gatehouse-test";
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-registry-").FullName;
    private Process? _registry;

    public GatehouseApp App { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public int Port { get; private set; }
    public string Slug { get; } = "box-" + Guid.NewGuid().ToString("N")[..8];
    public string Repository => "apps/" + Slug;
    public string Image => $"127.0.0.1:{Port}/{Repository}:1.0.0";
    public string ManifestDigest { get; private set; } = "";
    public Guid AppId { get; private set; }
    public Guid VersionId { get; private set; }
    public Guid TenantA { get; private set; }
    public Guid TenantB { get; private set; }
    public string TokenA { get; private set; } = "";
    public string TokenB { get; private set; } = "";
    public string StaffId { get; private set; } = "";
    public string AdminAId { get; private set; } = "";
    public string Dir => _dir;

    public async Task InitializeAsync()
    {
        var (tar, digest) = await RegistryProcesses.BuildImageAsync(_dir);
        ManifestDigest = digest;
        Port = RegistryProcesses.FreePort();
        var certificate = Path.Combine(_dir, "token-root.crt");
        App = await GatehouseApp.StartKestrelAsync(DbKind.Sqlite, new Dictionary<string, string?>
        {
            ["Registry:Url"] = $"http://127.0.0.1:{Port}",
            ["Registry:Service"] = Service,
            ["Registry:Issuer"] = Issuer,
            ["Registry:CertificatePath"] = certificate,
        });
        Http = new HttpClient { BaseAddress = new Uri(App.KestrelAddress! + "/") };
        // Gatehouse wrote the certificate at start-up; the registry trusts tokens signed by its key.
        _registry = await RegistryProcesses.StartRegistryAsync(_dir, Port, App.KestrelAddress + RegistryApi.TokenPath, Service, Issuer, certificate);

        var dev = await App.CreateUserAsync(Roles.Developer, "vendor");
        var org = await App.CreateOrganizationAsync(dev.Id);
        StaffId = (await App.CreateUserAsync(Roles.Reviewer, "reviewer")).Id;
        var adminA = await App.CreateUserAsync(Roles.Developer, "tenant-a");
        var adminB = await App.CreateUserAsync(Roles.Developer, "tenant-b");
        AdminAId = adminA.Id;
        TenantA = await OAuthWorld.CreateTenantAsync(App, "Tenant A", adminA.Id);
        TenantB = await OAuthWorld.CreateTenantAsync(App, "Tenant B", adminB.Id);
        TokenA = (await App.IssueTokenAsync(adminA.Id, Scopes.Read)).Token;
        TokenB = (await App.IssueTokenAsync(adminB.Id, Scopes.Read)).Token;

        (AppId, VersionId) = await App.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            await using var content = File.OpenRead(tar);
            var blob = await sp.GetRequiredService<IBlobStore>().PutAsync(content, CancellationToken.None);
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var a = new App
            {
                Id = Guid.NewGuid(), OrganizationId = org.Id, Slug = Slug, Name = "Box", Type = AppTypes.Container, Tier = "standard",
                CreatedBy = dev.Id, CreatedAt = now,
            };
            var v = new AppVersion
            {
                Id = Guid.NewGuid(), AppId = a.Id, OrganizationId = org.Id, Version = "1.0.0", State = VersionStates.Approved,
                ArtifactDigest = blob.Digest, ArtifactName = "box.tar", ArtifactSize = blob.Length, CreatedBy = dev.Id, CreatedAt = now, UpdatedAt = now,
            };
            db.Apps.Add(a);
            db.AppVersions.Add(v);
            await db.SaveChangesAsync();
            // Published through the lifecycle, so the move itself queues registry.publish.
            var outcome = await sp.GetRequiredService<VersionWorkflow>().RequestAsync(a, v, Lifecycle.Actions.Publish, new Caller(dev.Id, Actor.Vendor), [], null, CancellationToken.None);
            Assert.Equal(TransitionStatus.Done, outcome.Status);
            db.Add(new Installation { Id = Guid.NewGuid(), TenantId = TenantA, ClientId = a.Slug, AppId = a.Id, Scopes = "", InstalledBy = adminA.Id, InstalledAt = now });
            await db.SaveChangesAsync();
            return (a.Id, v.Id);
        });
        await WaitForAsync(r => r is { RemovedAt: null }, "the version to be pushed");
    }

    /// <summary>Waits (at most 30 s) until the version's registry row satisfies <paramref name="done"/>.</summary>
    internal async Task<RegistryImage?> WaitForAsync(Func<RegistryImage?, bool> done, string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var row = await App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Set<RegistryImage>().AsNoTracking()
                .FirstOrDefaultAsync(r => r.VersionId == VersionId));
            if (done(row)) return row;
            if (watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                var work = await App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().WorkItems.AsNoTracking()
                    .Where(w => w.Kind.StartsWith("registry.")).Select(w => w.Kind + " " + w.State + " " + w.Result + " " + w.LastError).ToListAsync());
                Assert.Fail($"timed out waiting for {what}; work: {string.Join(" | ", work)}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary><c>skopeo inspect</c> of the published image with a tenant's credentials.</summary>
    internal Task<RegistryProcesses.Run> InspectAsync(Guid tenant, string token) =>
        RegistryProcesses.RunAsync("skopeo", ["inspect", "--tls-verify=false", "--creds", $"{tenant:D}:{token}", "docker://" + Image]);

    /// <summary>A raw token request to Gatehouse's token endpoint.</summary>
    public async Task<HttpResponseMessage> TokenRequestAsync(string? user, string? password, string scope, string service = Service)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"registry/token?service={Uri.EscapeDataString(service)}&scope={Uri.EscapeDataString(scope)}");
        if (user is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return await Http.SendAsync(request);
    }

    /// <summary>The access list of a granted token.</summary>
    public static async Task<JsonElement> AccessOfAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var jwt = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        return JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(jwt.Split('.')[1])).RootElement.GetProperty("access");
    }

    public Task<T> Scoped<T>(Func<IServiceProvider, Task<T>> action) => App.WithScopeAsync(action);

    public async Task DisposeAsync()
    {
        if (_registry is { } p)
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            p.Dispose();
        }
        Http?.Dispose();
        if (App is not null) await App.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>
/// Distribution through the gated registry with the real docker-registry and skopeo: pulls of the installing tenant, refusals
/// for everyone else, and revocation by uninstall and quarantine (which also deletes the manifest from the registry).
/// </summary>
public sealed class RegistryDistributionTests(RegistryWorld w) : IClassFixture<RegistryWorld>
{
    [Fact]
    public async Task Strangers_learn_nothing_and_nobody_is_granted_push()
    {
        // No credentials, a wrong password, a token of someone who does not administer the tenant: one 401 with a problem body.
        foreach (var (user, password) in new (string?, string?)[] { (null, null), (w.TenantA.ToString(), "gatehouse_pat_aaaaaaaaaaaa_" + new string('A', 40)), (w.TenantA.ToString(), w.TokenB), ("tenant", w.TokenA) })
        {
            using var r = await w.TokenRequestAsync(user, password, $"repository:{w.Repository}:pull");
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
            Assert.Equal("registry.credentials-invalid", JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        }
        using (var wrongService = await w.TokenRequestAsync(w.TenantA.ToString(), w.TokenA, $"repository:{w.Repository}:pull", service: "other"))
            Assert.Equal(HttpStatusCode.BadRequest, wrongService.StatusCode);

        // Tenant B: the app exists but is not installed; and an app that does not exist: the same empty grant.
        Assert.Empty((await RegistryWorld.AccessOfAsync(await w.TokenRequestAsync(w.TenantB.ToString(), w.TokenB, $"repository:{w.Repository}:pull"))).EnumerateArray());
        Assert.Empty((await RegistryWorld.AccessOfAsync(await w.TokenRequestAsync(w.TenantB.ToString(), w.TokenB, "repository:apps/no-such-app:pull"))).EnumerateArray());
        var refused = await w.InspectAsync(w.TenantB, w.TokenB);
        Assert.NotEqual(0, refused.ExitCode);

        // Push is never granted to a customer, not even with pull on an installed app.
        var access = await RegistryWorld.AccessOfAsync(await w.TokenRequestAsync(w.TenantA.ToString(), w.TokenA, $"repository:{w.Repository}:pull,push"));
        if (access.GetArrayLength() > 0) Assert.Equal(["pull"], access[0].GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
        var push = await RegistryProcesses.RunAsync("skopeo", ["copy", "--dest-tls-verify=false", "--dest-creds", $"{w.TenantA:D}:{w.TokenA}",
            $"oci:{Path.Combine(w.Dir, "layout")}:1.0.0", $"docker://127.0.0.1:{w.Port}/{w.Repository}:evil"]);
        Assert.NotEqual(0, push.ExitCode);

        // Strangers leave no audit row per request (refused credentials are folded into security.refused.* per window).
        var rows = await w.Scoped(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.AsNoTracking()
            .Where(e => e.Action.StartsWith("registry.") && e.Actor != w.AdminAId && e.Actor != "system").CountAsync());
        Assert.Equal(0, rows);
    }

    [Fact]
    public async Task The_installing_tenant_pulls_until_uninstall_or_quarantine_and_a_quarantined_manifest_leaves_the_registry()
    {
        var inspect = await w.InspectAsync(w.TenantA, w.TokenA);
        Assert.True(inspect.ExitCode == 0, inspect.Err);
        // The registry serves the reviewed manifest byte for byte: its digest is the one in the image's index.
        Assert.Equal(w.ManifestDigest, JsonDocument.Parse(inspect.Out).RootElement.GetProperty("Digest").GetString());
        var copy = await RegistryProcesses.RunAsync("skopeo", ["copy", "--src-tls-verify=false", "--src-creds", $"{w.TenantA:D}:{w.TokenA}",
            "docker://" + w.Image, $"oci:{Path.Combine(w.Dir, "pulled")}:1.0.0"]);
        Assert.True(copy.ExitCode == 0, copy.Err);
        Assert.True(File.Exists(Path.Combine(w.Dir, "pulled", "blobs", "sha256", w.ManifestDigest["sha256:".Length..])));
        Assert.Equal(1, await w.Scoped(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.CountAsync(e => e.Action == RegistryAuditActions.Pushed && e.Subject == w.VersionId.ToString())));

        // Signed (issue 19): cosign's sha256-<hex>.sig next to the image, read back with the tenant's pull token and verified
        // with the published key; it signs exactly the reviewed manifest, and another key or digest is refused.
        var pullToken = JsonDocument.Parse(await (await w.TokenRequestAsync(w.TenantA.ToString(), w.TokenA, $"repository:{w.Repository}:pull")).Content.ReadAsStringAsync())
            .RootElement.GetProperty("token").GetString()!;
        using (var reader = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{w.Port}/") })
        {
            reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", pullToken);
            using var sigRequest = new HttpRequestMessage(HttpMethod.Get, $"v2/{w.Repository}/manifests/{Gatehouse.Analysis.Signing.CosignSignature.SignatureTag(w.ManifestDigest)}");
            sigRequest.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
            using var sigManifest = await reader.SendAsync(sigRequest);
            Assert.Equal(HttpStatusCode.OK, sigManifest.StatusCode);
            var layer = JsonDocument.Parse(await sigManifest.Content.ReadAsStringAsync()).RootElement.GetProperty("layers").EnumerateArray().Single();
            Assert.Equal(Gatehouse.Analysis.Signing.CosignSignature.LayerMediaType, layer.GetProperty("mediaType").GetString());
            var payload = await reader.GetByteArrayAsync($"v2/{w.Repository}/blobs/{layer.GetProperty("digest").GetString()}");
            var signature = layer.GetProperty("annotations").GetProperty(Gatehouse.Analysis.Signing.CosignSignature.SignatureAnnotation).GetString()!;
            using var keys = new HttpClient { BaseAddress = new Uri(w.App.KestrelAddress! + "/") };
            var key = Gatehouse.Analysis.Signing.PublicKey.FromPem(await keys.GetStringAsync(".well-known/gatehouse/keys.pem"));
            var check = Gatehouse.Analysis.Signing.CosignSignature.Verify(key, payload, signature, w.ManifestDigest);
            Assert.True(check.Valid, check.Reason);
            Assert.Equal($"127.0.0.1:{w.Port}/{w.Repository}", JsonDocument.Parse(payload).RootElement.GetProperty("critical").GetProperty("identity").GetProperty("docker-reference").GetString());
            Assert.Equal("cosign.digest-mismatch", Gatehouse.Analysis.Signing.CosignSignature.Verify(key, payload, signature, "sha256:" + new string('0', 64)).Code);
            using var other = Gatehouse.Analysis.Signing.EcdsaP256Signer.Generate();
            Assert.False(Gatehouse.Analysis.Signing.CosignSignature.Verify(other.PublicKey, payload, signature, w.ManifestDigest).Valid);
        }
        Assert.Equal(1, await w.Scoped(sp => sp.GetRequiredService<GatehouseDb>().Set<Gatehouse.Server.Signing.ArtifactSignature>()
            .CountAsync(s => s.VersionId == w.VersionId && s.Kind == Gatehouse.Server.Signing.ArtifactSignatureKinds.Cosign)));

        // Rotate and retire the key that signed: the re-signing pushes the .sig again through the publisher, with only the
        // new key's layer (the retired key's is gone), and it verifies with the new key.
        using (var admin = new HttpClient { BaseAddress = new Uri(w.App.KestrelAddress! + "/") })
        {
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await w.App.IssueTokenAsync((await w.App.AdminAsync()).Id)).Token);
            var oldKey = Gatehouse.Analysis.Signing.PublicKey.FromPem(await admin.GetStringAsync(".well-known/gatehouse/keys.pem"));
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("api/signing/keys", null)).StatusCode);
            var newKey = Gatehouse.Analysis.Signing.PublicKey.FromPem(await admin.GetStringAsync(".well-known/gatehouse/keys.pem"));
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"api/signing/keys/{oldKey.KeyId}/retire", null)).StatusCode);
            var watch = Stopwatch.StartNew();
            while (await w.Scoped(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.CountAsync(e => e.Action == RegistryAuditActions.Pushed && e.Subject == w.VersionId.ToString())) < 2)
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "timed out waiting for the re-signed .sig to be pushed");
                await Task.Delay(100);
            }
            using var reader = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{w.Port}/") };
            reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", pullToken);
            using var sigRequest = new HttpRequestMessage(HttpMethod.Get, $"v2/{w.Repository}/manifests/{Gatehouse.Analysis.Signing.CosignSignature.SignatureTag(w.ManifestDigest)}");
            sigRequest.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
            using var sigManifest = await reader.SendAsync(sigRequest);
            var layer = JsonDocument.Parse(await sigManifest.Content.ReadAsStringAsync()).RootElement.GetProperty("layers").EnumerateArray().Single();
            var payload = await reader.GetByteArrayAsync($"v2/{w.Repository}/blobs/{layer.GetProperty("digest").GetString()}");
            var signature = layer.GetProperty("annotations").GetProperty(Gatehouse.Analysis.Signing.CosignSignature.SignatureAnnotation).GetString()!;
            var check = Gatehouse.Analysis.Signing.CosignSignature.Verify(newKey, payload, signature, w.ManifestDigest);
            Assert.True(check.Valid, check.Reason);
            Assert.False(Gatehouse.Analysis.Signing.CosignSignature.Verify(oldKey, payload, signature, w.ManifestDigest).Valid);
        }

        // Uninstall: the tenant's next token grants nothing.
        var installation = await w.Scoped(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var i = await db.Set<Installation>().SingleAsync(x => x.TenantId == w.TenantA && x.AppId == w.AppId && x.UninstalledAt == null);
            await sp.GetRequiredService<AppAccessGate>().UninstallAsync(i, w.AdminAId, null, CancellationToken.None);
            return i;
        });
        Assert.NotEqual(0, (await w.InspectAsync(w.TenantA, w.TokenA)).ExitCode);
        await w.Scoped(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            db.Add(new Installation { Id = Guid.NewGuid(), TenantId = w.TenantA, ClientId = w.Slug, AppId = w.AppId, Scopes = "", InstalledBy = w.AdminAId, InstalledAt = sp.GetRequiredService<TimeProvider>().GetUtcNow() });
            return await db.SaveChangesAsync();
        });
        Assert.Equal(0, (await w.InspectAsync(w.TenantA, w.TokenA)).ExitCode);

        // A token handed out before the quarantine...
        var before = JsonDocument.Parse(await (await w.TokenRequestAsync(w.TenantA.ToString(), w.TokenA, $"repository:{w.Repository}:pull")).Content.ReadAsStringAsync())
            .RootElement.GetProperty("token").GetString()!;
        await w.Scoped(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var app = await db.Apps.SingleAsync(a => a.Id == w.AppId);
            var v = await db.AppVersions.SingleAsync(x => x.Id == w.VersionId);
            var outcome = await sp.GetRequiredService<VersionWorkflow>().RequestAsync(app, v, Lifecycle.Actions.Quarantine, new Caller(w.StaffId, Actor.Staff),
                ["review.security-incident"], "pulled for the test", CancellationToken.None);
            Assert.Equal(TransitionStatus.Done, outcome.Status);
            return outcome;
        });
        // ... new tokens grant nothing at once ...
        Assert.Empty((await RegistryWorld.AccessOfAsync(await w.TokenRequestAsync(w.TenantA.ToString(), w.TokenA, $"repository:{w.Repository}:pull"))).EnumerateArray());
        Assert.NotEqual(0, (await w.InspectAsync(w.TenantA, w.TokenA)).ExitCode);
        // ... and once registry.unpublish ran, even the earlier token finds no manifest.
        await w.WaitForAsync(r => r?.RemovedAt is not null, "the manifest to be removed");
        using var registry = new HttpClient();
        foreach (var reference in new[] { "1.0.0", w.ManifestDigest })
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{w.Port}/v2/{w.Repository}/manifests/{reference}");
            get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", before);
            get.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
            using var r = await registry.SendAsync(get);
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }
    }
}
