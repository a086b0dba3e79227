using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Images;
using Gatehouse.Server.Scanning;
using Gatehouse.Server.Tests.Apps;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Images;

/// <summary>
/// Container submissions on a real server (issue 17), on one shared server: a real image (built in the test) uploaded as a
/// docker-archive, with a smoke test declared, is scanned as an image and reaches review with the image summary stored and
/// its manifest digest pinned on the version; and a vendor's registry credentials are kept encrypted, never returned, and
/// invisible to strangers.
/// </summary>
public sealed class ImageSubmissionTests(SharedServers servers) : IClassFixture<SharedServers>
{
    // Smoke tests need runc as root; the runner is tested on its own (engine tests), so this server leaves them off.
    private static readonly Dictionary<string, string?> Settings = new() { ["Images:SmokeTests"] = "false" };

    [Fact]
    public async Task An_uploaded_image_is_scanned_as_an_image_and_reaches_review_with_its_summary_and_pinned_digest()
    {
        using var images = new TestImages();
        await using var w = await LifecycleWorld.OnAsync(servers, DbKind.Sqlite, Settings);
        var slug = await w.CreateAppAsync("container");
        var path = $"/api/apps/{slug}/versions/1.0.0";
        Assert.Equal(HttpStatusCode.Created, (await w.Vendor.PostAsJsonAsync($"/api/apps/{slug}/versions", new { version = "1.0.0" })).StatusCode);

        // The smoke test: bounded, then kept on the draft.
        var bad = await w.Vendor.PutAsJsonAsync(path + "/smoke-test", new { httpPort = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("smoke.invalid", (await LifecycleWorld.ProblemAsync(bad)).Code);
        var smoke = await w.Vendor.PutAsJsonAsync(path + "/smoke-test", new { httpPort = 8080, httpPath = "/health" });
        Assert.True(smoke.StatusCode == HttpStatusCode.OK, await smoke.Content.ReadAsStringAsync());
        Assert.Equal(8080, (await smoke.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("smokeTest").GetProperty("httpPort").GetInt32());
        // A reference must name its registry.
        var noRegistry = await w.Vendor.PutAsJsonAsync(path + "/image", new { reference = "app" });
        Assert.Equal("image.reference-invalid", (await LifecycleWorld.ProblemAsync(noRegistry)).Code);

        var up = await w.Vendor.PutAsync(path + "/artifact?name=app-1.0.tar",
            new ByteArrayContent(await File.ReadAllBytesAsync(images.DockerArchive)) { Headers = { ContentType = new("application/octet-stream") } });
        Assert.True(up.StatusCode == HttpStatusCode.OK, await up.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await w.Vendor.PutAsJsonAsync(path + "/answers", LifecycleWorld.Answers("container"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await w.Vendor.PostAsJsonAsync(path + "/attestation", new { name = "Dana Smith, CISO", accept = true })).StatusCode);
        var submitted = await w.ActAsync(w.Vendor, slug, "1.0.0", "submit");
        Assert.True(submitted.StatusCode == HttpStatusCode.OK, await submitted.Content.ReadAsStringAsync());

        var reviewed = await w.WaitForReviewAsync(slug, "1.0.0");
        var version = reviewed.GetProperty("version");
        Assert.Equal("in-review", version.GetProperty("state").GetString());
        var scan = await w.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Scans.AsNoTracking()
            .SingleAsync(s => s.Id == version.GetProperty("currentScanId").GetGuid()));
        Assert.Equal(ScanKind.Image, scan.Kind);
        Assert.NotNull(scan.SbomBlob);
        using var report = JsonDocument.Parse(scan.ReportJson!);
        var image = report.RootElement.GetProperty("image");
        var manifest = image.GetProperty("manifestDigest").GetString()!;
        Assert.StartsWith("sha256:", manifest, StringComparison.Ordinal);
        Assert.Equal("linux/amd64", image.GetProperty("platform").GetString());
        Assert.Equal("1000:1000", image.GetProperty("user").GetString());
        var layer = Assert.Single(image.GetProperty("layers").EnumerateArray());
        Assert.Equal("COPY busybox /bin/", layer.GetProperty("createdBy").GetString());
        Assert.Equal(manifest, version.GetProperty("imageManifestDigest").GetString());
        Assert.False(report.RootElement.TryGetProperty("smoke", out _)); // off on this server
    }

    [Fact]
    public async Task Registry_credentials_are_encrypted_at_rest_never_returned_and_invisible_to_strangers()
    {
        const string Secret = "s3cr3t-registry-token-7f1c";
        await using var w = await LifecycleWorld.OnAsync(servers, DbKind.Sqlite, Settings);
        var url = $"/api/orgs/{w.Org.Id}/registry-credentials";

        var bad = await w.Vendor.PostAsJsonAsync(url, new { registry = "https://registry.example.com", username = "ci", secret = Secret });
        Assert.Equal("registry-credential.invalid", (await LifecycleWorld.ProblemAsync(bad)).Code);
        var created = await w.Vendor.PostAsJsonAsync(url, new { registry = "Registry.Example.com:5000", username = "ci-bot", secret = Secret });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var createdText = await created.Content.ReadAsStringAsync();
        Assert.DoesNotContain(Secret, createdText, StringComparison.Ordinal);
        var id = JsonDocument.Parse(createdText).RootElement.GetProperty("id").GetGuid();

        var listed = await w.Vendor.GetStringAsync(url);
        Assert.Contains("registry.example.com:5000", listed, StringComparison.Ordinal);
        Assert.Contains("ci-bot", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, listed, StringComparison.Ordinal);

        // At rest: the column holds the protected form only; the audit entry names the registry, never the secret. The
        // server can read it back for a pull from that registry only.
        await w.App.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var stored = await db.RegistryCredentials.AsNoTracking().Where(c => c.Id == id).Select(c => c.ProtectedSecret).SingleAsync();
            Assert.DoesNotContain(Secret, stored, StringComparison.Ordinal);
            var audit = await db.AuditEntries.AsNoTracking().Where(a => a.Subject == id.ToString()).Select(a => a.Data).ToListAsync();
            Assert.Contains(audit, a => a.Contains("registry.example.com:5000", StringComparison.Ordinal));
            Assert.DoesNotContain(audit, a => a.Contains(Secret, StringComparison.Ordinal));
            var credentials = sp.GetRequiredService<VendorRegistryCredentials>();
            Assert.Equal(Secret, (await credentials.ForPullAsync(w.Org.Id, id, "registry.example.com:5000", CancellationToken.None))!.Password);
            Assert.Null(await credentials.ForPullAsync(w.Org.Id, id, "other.example.com", CancellationToken.None));
            Assert.Null(await credentials.ForPullAsync(Guid.NewGuid(), id, "registry.example.com:5000", CancellationToken.None));
        });

        // A developer of another organisation: 404 for all of it, as for the organisation.
        var (_, strangerToken) = await w.App.UserWithTokenAsync(Roles.Developer, "stranger");
        using (var stranger = w.App.ClientWith(strangerToken))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(url)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsJsonAsync(url, new { registry = "r.example", username = "x", secret = "y" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync($"{url}/{id}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await w.Vendor.DeleteAsync($"{url}/{id}")).StatusCode);
        Assert.Equal("[]", (await w.Vendor.GetStringAsync(url)).Trim());
    }
}
