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
/// docker-archive, with a smoke test declared, is scanned as an image, smoke-tested with runc, and reaches review with the
/// image summary stored and its manifest digest pinned on the version; an image by reference is pulled once from a real
/// docker-registry on 127.0.0.1; and a vendor's registry credentials are kept encrypted, never returned, and invisible to
/// strangers.
/// </summary>
public sealed class ImageSubmissionTests(SharedServers servers) : IClassFixture<SharedServers>
{
    /// <summary>The port of the test registry, named in the shared server's settings before the registry starts.</summary>
    private static readonly int RegistryPort = TestRegistry.FreePort();

    // Smoke tests on (runc as root, as CI runs), with a short settle time: the image's default command must keep running 1 s.
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Images:SmokeSettleSeconds"] = "1",
        ["Images:InsecureRegistries:0"] = $"127.0.0.1:{RegistryPort}",
    };

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
        // The smoke test ran on the same bytes with runc: the declared HTTP check found nothing listening (the image only
        // sleeps), so it failed, with its bounded log, and the failure is a blocking finding of the version.
        var smokeRun = report.RootElement.GetProperty("smoke");
        Assert.True(smokeRun.GetProperty("status").GetString() == "failed", smokeRun.ToString());
        Assert.Equal("http", smokeRun.GetProperty("check").GetString());
        Assert.Contains("127.0.0.1:8080/health", smokeRun.GetProperty("log").GetString(), StringComparison.Ordinal);
        var findings = await w.Vendor.GetFromJsonAsync<JsonElement>(path + "/findings");
        Assert.Contains(findings.GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("ruleId").GetString() == Gatehouse.Analysis.Images.Smoke.SmokeVerdicts.Rule.Id && f.GetProperty("requirementId").GetString() == "GH-CTR-5");
        Assert.Equal("reject", findings.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task An_image_by_reference_is_pulled_once_from_a_real_registry_pinned_and_scanned_and_a_missing_one_is_the_vendors_to_fix()
    {
        using var images = new TestImages();
        using var registry = new TestRegistry(images.Root, images.Layout, RegistryPort);
        await using var w = await LifecycleWorld.OnAsync(servers, DbKind.Sqlite, Settings);
        var credential = await w.Vendor.PostAsJsonAsync($"/api/orgs/{w.Org.Id}/registry-credentials", new { registry = registry.Host, username = "ci", secret = "anonymous-registry-ignores-it" });
        var credentialId = (await credential.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var slug = await w.CreateAppAsync("container");

        async Task SubmitAsync(string version, string reference, Guid? credentialId)
        {
            var path = $"/api/apps/{slug}/versions/{version}";
            Assert.Equal(HttpStatusCode.Created, (await w.Vendor.PostAsJsonAsync($"/api/apps/{slug}/versions", new { version })).StatusCode);
            var set = await w.Vendor.PutAsJsonAsync(path + "/image", new { reference, credentialId });
            Assert.True(set.StatusCode == HttpStatusCode.OK, await set.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, (await w.Vendor.PutAsJsonAsync(path + "/answers", LifecycleWorld.Answers("container"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await w.Vendor.PostAsJsonAsync(path + "/attestation", new { name = "Dana Smith, CISO", accept = true })).StatusCode);
            var submitted = await w.ActAsync(w.Vendor, slug, version, "submit");
            Assert.True(submitted.StatusCode == HttpStatusCode.OK, await submitted.Content.ReadAsStringAsync());
        }

        // A credential is only ever for its own registry.
        Assert.Equal(HttpStatusCode.Created, (await w.Vendor.PostAsJsonAsync($"/api/apps/{slug}/versions", new { version = "0.9.0" })).StatusCode);
        var wrong = await w.Vendor.PutAsJsonAsync($"/api/apps/{slug}/versions/0.9.0/image", new { reference = "registry.example.com/team/app:1.0", credentialId });
        Assert.Equal("registry-credential.invalid", (await LifecycleWorld.ProblemAsync(wrong)).Code);

        await SubmitAsync("1.0.0", $"{registry.Host}/team/app:1.0", credentialId);
        await SubmitAsync("1.0.1", $"{registry.Host}/team/missing:1.0", null);

        var pulled = (await w.WaitForReviewAsync(slug, "1.0.0")).GetProperty("version");
        Assert.Equal("in-review", pulled.GetProperty("state").GetString());
        var digest = pulled.GetProperty("artifactDigest").GetString();
        Assert.StartsWith("sha256:", digest, StringComparison.Ordinal);
        var manifest = pulled.GetProperty("imageManifestDigest").GetString()!;
        using (var plain = new HttpClient())
        {
            using var head = new HttpRequestMessage(HttpMethod.Head, $"http://{registry.Host}/v2/team/app/manifests/1.0");
            head.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
            head.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
            using var answer = await plain.SendAsync(head);
            Assert.Equal(answer.Headers.GetValues("Docker-Content-Digest").Single(), manifest); // pinned to what the tag named at the pull
        }
        var (scan, audit) = await w.App.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var s = await db.Scans.AsNoTracking().SingleAsync(x => x.Id == pulled.GetProperty("currentScanId").GetGuid());
            var a = await db.AuditEntries.AsNoTracking().Where(e => e.Action == "version.image-pulled" && e.Subject == pulled.GetProperty("id").GetString()).ToListAsync();
            return (s, a);
        });
        Assert.Equal(digest, scan.BlobDigest); // rescans and downloads read these bytes, not the registry
        Assert.Equal(ScanKind.Image, scan.Kind);
        using (var report = JsonDocument.Parse(scan.ReportJson!))
        {
            Assert.Equal(manifest, report.RootElement.GetProperty("image").GetProperty("manifestDigest").GetString());
            Assert.Equal($"{registry.Host}/team/app:1.0", report.RootElement.GetProperty("image").GetProperty("reference").GetString());
        }
        Assert.Contains(manifest, Assert.Single(audit).Data, StringComparison.Ordinal);

        // No such image: the scan ends at once with a finding that says so; nothing is recorded as the artifact.
        var missing = (await w.WaitForReviewAsync(slug, "1.0.1")).GetProperty("version");
        Assert.Equal(JsonValueKind.Null, missing.GetProperty("artifactDigest").ValueKind);
        var findings = await w.Vendor.GetFromJsonAsync<JsonElement>($"/api/apps/{slug}/versions/1.0.1/findings");
        Assert.Equal("reject", findings.GetProperty("verdict").GetString());
        var pullFailed = Assert.Single(findings.GetProperty("findings").EnumerateArray());
        Assert.Equal(("image.pull-failed", "registry.not-found"), (pullFailed.GetProperty("ruleId").GetString(), pullFailed.GetProperty("evidence").GetString()));
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
