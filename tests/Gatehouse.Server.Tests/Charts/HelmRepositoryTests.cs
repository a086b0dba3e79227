using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Downloads;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Scanning;
using Gatehouse.Server.Tests.Apps;
using Gatehouse.Server.Tests.OAuth;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Charts;

/// <summary>
/// A Helm chart from submission to <c>helm pull</c>, on one Gatehouse on a real socket (the real helm reaches it): a chart
/// built with <c>helm create</c> and <c>helm package</c>, its image pinned to a container image approved in Gatehouse, is
/// submitted, scanned as a chart, approved and published; the tenant that installed it adds the repository and pulls the
/// chart with the real helm; another tenant, wrong credentials and a stranger's download URL learn nothing; after a
/// quarantine the index no longer lists it and the download is refused.
/// </summary>
public sealed class HelmRepositoryTests
{
    [Fact]
    public async Task A_published_chart_is_pulled_with_helm_by_the_installing_tenant_only_until_it_is_quarantined()
    {
        using var helm = new TestHelm();
        var settings = LifecycleWorld.Engines();
        settings["Charts:HelmPath"] = helm.Binary;
        await using var app = await GatehouseApp.StartKestrelAsync(DbKind.Sqlite, settings);
        await using var w = await LifecycleWorld.OnAppAsync(app);
        var origin = app.KestrelAddress!;

        // An image approved in Gatehouse (a container version that passed review), which the chart names by digest.
        var imageDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("approved image " + Guid.NewGuid())));
        await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var image = new App
            {
                Id = Guid.NewGuid(), OrganizationId = w.Org.Id, Slug = "img-" + Guid.NewGuid().ToString("N")[..8], Name = "Image", Type = AppTypes.Container,
                Tier = "standard", CreatedBy = w.VendorId, CreatedAt = now,
            };
            db.Apps.Add(image);
            db.AppVersions.Add(new AppVersion
            {
                Id = Guid.NewGuid(), AppId = image.Id, OrganizationId = w.Org.Id, Version = "1.0.0", State = VersionStates.Published,
                ImageManifestDigest = imageDigest, CreatedBy = w.VendorId, CreatedAt = now, UpdatedAt = now,
            });
            return await db.SaveChangesAsync();
        });
        var tgz = await helm.PackageAsync("hello", "registry.example.com/apps/web", imageDigest);
        var bytes = await File.ReadAllBytesAsync(tgz);

        // Submitted, scanned as a chart (rendered with the real helm), approved, published.
        var slug = await w.CreateAppAsync(AppTypes.HelmChart);
        Assert.Equal(HttpStatusCode.Created, (await w.Vendor.PostAsJsonAsync($"/api/apps/{slug}/versions", new { version = "0.1.0" })).StatusCode);
        var up = await w.Vendor.PutAsync($"/api/apps/{slug}/versions/0.1.0/artifact?name=hello-0.1.0.tgz",
            new ByteArrayContent(bytes) { Headers = { ContentType = new("application/octet-stream") } });
        Assert.True(up.StatusCode == HttpStatusCode.OK, await up.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await w.Vendor.PutAsJsonAsync($"/api/apps/{slug}/versions/0.1.0/answers", LifecycleWorld.Answers(AppTypes.HelmChart))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await w.Vendor.PostAsJsonAsync($"/api/apps/{slug}/versions/0.1.0/attestation", new { name = "Dana Smith, CISO", accept = true })).StatusCode);
        var submitted = await w.ActAsync(w.Vendor, slug, "0.1.0", "submit");
        Assert.True(submitted.StatusCode == HttpStatusCode.OK, await submitted.Content.ReadAsStringAsync());
        var reviewed = (await w.WaitForReviewAsync(slug, "0.1.0")).GetProperty("version");
        var scan = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Scans.AsNoTracking()
            .SingleAsync(s => s.Id == reviewed.GetProperty("currentScanId").GetGuid()));
        Assert.Equal(ScanKind.Chart, scan.Kind);
        using (var report = JsonDocument.Parse(scan.ReportJson!))
        {
            var chart = report.RootElement.GetProperty("chart");
            Assert.Equal(("hello", "0.1.0"), (chart.GetProperty("name").GetString(), chart.GetProperty("version").GetString()));
            Assert.StartsWith("v4.", chart.GetProperty("helmVersion").GetString(), StringComparison.Ordinal);
            // The approved image is not a finding; the scan could be reviewed (not incomplete, nothing blocking).
            Assert.DoesNotContain(report.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("ruleId").GetString() == "chart.image-not-approved");
            Assert.True(scan.Verdict is Analysis.Verdicts.Verdict.Pass or Analysis.Verdicts.Verdict.Review, scan.ReportJson);
        }
        // The reviewer's and the vendor's pages show the chart, the values used and the rendered objects.
        foreach (var (client, page) in new[] { (w.Reviewer, $"/console/review/apps/{slug}/versions/0.1.0"), (w.Vendor, $"/console/vendor/apps/{slug}/versions/0.1.0") })
        {
            var html = await client.GetStringAsync(page);
            Assert.Contains("<h2 id=\"chart-h\">Helm chart</h2>", html, StringComparison.Ordinal);
            Assert.Contains("<code>values.yaml</code>", html, StringComparison.Ordinal);
            Assert.Contains($"<code>Deployment/{Gatehouse.Analysis.Charts.ChartAnalyzer.ReleaseName}-hello</code>", html, StringComparison.Ordinal);
            Assert.Contains(imageDigest, html, StringComparison.Ordinal);
        }
        var approve = await w.ActAsync(w.Reviewer, slug, "0.1.0", "approve", ["GH-HELM-1"], "hardened chart, approved image");
        Assert.True(approve.StatusCode == HttpStatusCode.OK, await approve.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(w.Vendor, slug, "0.1.0", "publish")).StatusCode);

        // Tenant A installs it; tenant B does not.
        var adminA = await app.CreateUserAsync(Roles.Developer, "tenant-a");
        var adminB = await app.CreateUserAsync(Roles.Developer, "tenant-b");
        var tenantA = await OAuthWorld.CreateTenantAsync(app, "Tenant A", adminA.Id);
        var tenantB = await OAuthWorld.CreateTenantAsync(app, "Tenant B", adminB.Id);
        var patA = (await app.IssueTokenAsync(adminA.Id, Scopes.Read, Scopes.Write)).Token;
        var patB = (await app.IssueTokenAsync(adminB.Id, Scopes.Read)).Token;
        using (var a = app.ClientWith(patA))
        {
            var installed = await a.PostAsJsonAsync($"/api/tenants/{tenantA}/installations", new { app = slug });
            Assert.True(installed.StatusCode == HttpStatusCode.Created, await installed.Content.ReadAsStringAsync());
        }

        // The customer's page shows the repository command for the installed chart app.
        using (var a = app.ClientWith(patA))
            Assert.Contains($"helm repo add gatehouse {origin}/charts --username {tenantA:D}", await a.GetStringAsync("/console/customer"), StringComparison.Ordinal);

        // The real helm: repo add reads index.yaml with Basic credentials, pull downloads exactly the submitted bytes.
        TestHelm.Check(await helm.RunAsync("repo", "add", "gh", origin + "/charts", "--username", tenantA.ToString(), "--password", patA));
        var pulled = Directory.CreateDirectory(Path.Combine(helm.Home, "pulled")).FullName;
        TestHelm.Check(await helm.RunAsync("pull", "gh/hello", "--version", "0.1.0", "-d", pulled));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(pulled, "hello-0.1.0.tgz")));
        var (count, audited) = await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            return (await db.Set<DownloadRecord>().CountAsync(d => d.TenantId == tenantA && d.Status == 200),
                await db.AuditEntries.CountAsync(e => e.Action == DownloadAuditActions.Served && e.Actor == adminA.Id));
        });
        Assert.Equal((1, 1), (count, audited));

        // Signed on publication (issue 19): helm pull --verify fetches NAME-VERSION.tgz.prov next to the chart and checks it
        // with the platform's published OpenPGP keyring; a keyring of another key is refused.
        var chartVersionId = await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var appId = await db.Apps.Where(a => a.Slug == slug).Select(a => a.Id).SingleAsync();
            return await db.AppVersions.Where(v => v.AppId == appId && v.Version == "0.1.0").Select(v => v.Id).SingleAsync();
        });
        await Signing.ArtifactSigningTests.WaitForSignaturesAsync(app, chartVersionId, 3);
        using (var anonymous = new HttpClient { BaseAddress = new Uri(origin + "/") })
            await File.WriteAllBytesAsync(Path.Combine(helm.Home, "gatehouse.gpg"), await anonymous.GetByteArrayAsync(".well-known/gatehouse/pubring.gpg"));
        var verified = Directory.CreateDirectory(Path.Combine(helm.Home, "verified")).FullName;
        TestHelm.Check(await helm.RunAsync("pull", "gh/hello", "--version", "0.1.0", "--verify", "--keyring", Path.Combine(helm.Home, "gatehouse.gpg"), "-d", verified));
        Assert.True(File.Exists(Path.Combine(verified, "hello-0.1.0.tgz.prov")));
        using (var stranger = Gatehouse.Analysis.Signing.EcdsaP256Signer.Generate())
            await File.WriteAllBytesAsync(Path.Combine(helm.Home, "other.gpg"),
                Gatehouse.Analysis.Signing.Provenance.OpenPgpKey.PublicKeyring(stranger, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), "Other <other@example.com>"));
        Assert.NotEqual(0, (await helm.RunAsync("pull", "gh/hello", "--version", "0.1.0", "--verify", "--keyring", Path.Combine(helm.Home, "other.gpg"),
            "-d", Directory.CreateDirectory(Path.Combine(helm.Home, "refused")).FullName)).ExitCode);

        using var http = new HttpClient { BaseAddress = new Uri(origin + "/") };
        var indexA = await GetAsync(http, "charts/index.yaml", tenantA.ToString(), patA);
        Assert.Equal(HttpStatusCode.OK, indexA.StatusCode);
        var yaml = await indexA.Content.ReadAsStringAsync();
        Assert.Contains("\"" + Convert.ToHexStringLower(SHA256.HashData(bytes)) + "\"", yaml, StringComparison.Ordinal);
        var url = yaml.Split('\n').Single(l => l.TrimStart().StartsWith("- \"v/", StringComparison.Ordinal)).Trim()[3..^1];

        // Tenant B: an empty index, the download URL is 404 like one that does not exist; helm cannot pull it.
        var indexB = await GetAsync(http, "charts/index.yaml", tenantB.ToString(), patB);
        Assert.Equal(HttpStatusCode.OK, indexB.StatusCode);
        Assert.DoesNotContain("hello", await indexB.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(http, "charts/" + url, tenantB.ToString(), patB)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(http, $"charts/v/{Guid.NewGuid():D}/hello-0.1.0.tgz", tenantA.ToString(), patA)).StatusCode);
        TestHelm.Check(await helm.RunAsync("repo", "add", "other", origin + "/charts", "--username", tenantB.ToString(), "--password", patB));
        Assert.NotEqual(0, (await helm.RunAsync("pull", "other/hello", "--version", "0.1.0", "-d", Directory.CreateDirectory(Path.Combine(helm.Home, "b")).FullName)).ExitCode);

        // No, wrong or borrowed credentials: 401 with a Basic challenge, before anything is looked up.
        foreach (var (user, password) in new (string?, string?)[] { (null, null), (tenantA.ToString(), "gatehouse_pat_wrong"), (tenantA.ToString(), patB), ("tenant", patA) })
        {
            using var r = await GetAsync(http, "charts/" + url, user, password);
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Equal("Basic", r.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal("charts.credentials-invalid", JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        }

        // Quarantine: the next index lists nothing and the download is refused, for helm too.
        var quarantine = await w.ActAsync(w.Reviewer, slug, "0.1.0", "quarantine", ["review.security-incident"], "pulled for the test");
        Assert.True(quarantine.StatusCode == HttpStatusCode.OK, await quarantine.Content.ReadAsStringAsync());
        Assert.DoesNotContain("hello", await (await GetAsync(http, "charts/index.yaml", tenantA.ToString(), patA)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(http, "charts/" + url, tenantA.ToString(), patA)).StatusCode);
        Assert.NotEqual(0, (await helm.RunAsync("pull", "gh/hello", "--version", "0.1.0", "-d", Directory.CreateDirectory(Path.Combine(helm.Home, "after")).FullName)).ExitCode);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string? user, string? password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (user is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return await http.SendAsync(request);
    }
}
