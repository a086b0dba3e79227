using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Server.Advisories;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Scanning;
using Gatehouse.Server.Tests.OAuth;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Apps;

/// <summary>
/// SBOMs on the server (issue 16, items 2 and 6), one journey on one server: an artifact with a lockfile is submitted
/// with the vendor's own SBOM, which leaves a package out; the scan stores the SBOM and reports the package; the version is
/// published; the SBOM downloads for the vendor, staff and an entitled customer, never for a stranger; then an advisory
/// import into the server's real advisory store re-matches the stored SBOM without reading the artifact, and the new match is a finding that notifies the vendor
/// and staff.
/// </summary>
public sealed class SbomJourneyTests
{
    /// <summary>A real advisory as OSV publishes it (lodash before 4.17.21, CVSS 5.3: medium), imported after publication.</summary>
    private const string LodashAdvisory = """
        { "schema_version": "1.6.0", "id": "GHSA-29mw-wpgm-hmr9", "modified": "2026-11-20T00:00:00Z", "published": "2022-01-06T20:30:46Z",
          "aliases": ["CVE-2020-28500"], "summary": "Regular Expression Denial of Service (ReDoS) in lodash",
          "severity": [ { "type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L" } ],
          "affected": [ { "package": { "ecosystem": "npm", "name": "lodash" },
                          "ranges": [ { "type": "SEMVER", "events": [ { "introduced": "4.0.0" }, { "fixed": "4.17.21" } ] } ] } ] }
        """;

    private const string Lockfile = """
        {
          "name": "acme-sync", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
          "packages": {
            "": { "name": "acme-sync", "version": "1.0.0", "dependencies": { "lodash": "^4.17.0", "left-pad": "^1.3.0" } },
            "node_modules/lodash": { "version": "4.17.20", "resolved": "https://npm-mirror.example/lodash/-/lodash-4.17.20.tgz" },
            "node_modules/left-pad": { "version": "1.3.0", "resolved": "https://npm-mirror.example/left-pad/-/left-pad-1.3.0.tgz" }
          }
        }
        """;

    /// <summary>The vendor's SBOM: lodash only (left-pad is left out).</summary>
    private const string VendorSbom = """
        { "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
          "components": [ { "type": "library", "name": "lodash", "version": "4.17.20", "purl": "pkg:npm/lodash@4.17.20" } ] }
        """;

    private static byte[] ArtifactWithLockfile()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in new[] { ("package-lock.json", Lockfile), ("index.js", "module.exports = () => 'acme';\n") })
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(Encoding.UTF8.GetBytes(text));
            }
        }
        return buffer.ToArray();
    }

    private static StringContent Json(string text, string type = "application/vnd.cyclonedx+json") =>
        new(text, Encoding.UTF8, type);

    [Fact]
    public async Task A_versions_SBOM_is_stored_compared_downloadable_by_the_entitled_and_re_matched_after_an_import()
    {
        await using var w = await LifecycleWorld.StartAsync(DbKind.Sqlite);
        var slug = await w.CreateAppAsync();
        await w.PrepareAsync(slug, "1.0.0", ArtifactWithLockfile());

        // The vendor's SBOM: refused when it is not one, kept when it is.
        var bad = await w.Vendor.PutAsync($"/api/apps/{slug}/versions/1.0.0/sbom", Json("""{"spdxVersion":"SPDX-2.3"}""", "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("sbom.invalid", (await LifecycleWorld.ProblemAsync(bad)).Code);
        var put = await w.Vendor.PutAsync($"/api/apps/{slug}/versions/1.0.0/sbom", Json(VendorSbom));
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        Assert.Equal(1, (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("packages").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(w.Vendor, slug, "1.0.0", "submit")).StatusCode);
        var reviewed = await WithScansOnTimeoutAsync(w, () => w.WaitForReviewAsync(slug, "1.0.0"));
        Assert.Equal("in-review", reviewed.GetProperty("version").GetProperty("state").GetString());
        // Once submitted, the draft's SBOM is frozen with everything else.
        Assert.Equal(HttpStatusCode.Conflict, (await w.Vendor.PutAsync($"/api/apps/{slug}/versions/1.0.0/sbom", Json(VendorSbom))).StatusCode);

        // The package the vendor left out is a finding, at the file that declared it.
        var findings = await w.Vendor.GetFromJsonAsync<JsonElement>($"/api/apps/{slug}/versions/1.0.0/findings");
        var undeclared = Assert.Single(Items(findings), f => f.GetProperty("ruleId").GetString() == "sbom.undeclared-package");
        Assert.Equal("acme-sync.zip!/package-lock.json", undeclared.GetProperty("path").GetString());
        Assert.Contains("pkg:npm/left-pad@1.3.0", undeclared.GetProperty("message").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(w.Reviewer, slug, "1.0.0", "approve", ["GH-DEP-2"], "fine")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(w.Vendor, slug, "1.0.0", "publish")).StatusCode);

        // The SBOM: the vendor, staff and a customer whose tenant installed the app; a stranger and a tenant admin
        // without the app get 404, as for a version they cannot see.
        var customer = await w.App.CreateUserAsync(Roles.Developer, "customer");
        var tenant = await OAuthWorld.CreateTenantAsync(w.App, "Customer " + Guid.NewGuid().ToString("N")[..6], customer.Id);
        using var customerClient = w.App.ClientWith(await LifecycleWorld.LongTokenAsync(w.App, customer.Id, Roles.Developer));
        var other = await w.App.CreateUserAsync(Roles.Developer, "other-tenant");
        await OAuthWorld.CreateTenantAsync(w.App, "Other " + Guid.NewGuid().ToString("N")[..6], other.Id);
        using var otherClient = w.App.ClientWith(await LifecycleWorld.LongTokenAsync(w.App, other.Id, Roles.Developer));
        var sbomUrl = $"/api/apps/{slug}/versions/1.0.0/sbom";
        Assert.Equal(HttpStatusCode.NotFound, (await customerClient.GetAsync(sbomUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await customerClient.PostAsJsonAsync($"/api/tenants/{tenant}/installations", new { app = slug })).StatusCode);
        foreach (var who in new[] { w.Vendor, w.Reviewer, customerClient })
        {
            using var r = await who.GetAsync(sbomUrl);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("application/vnd.cyclonedx+json; version=1.6", r.Content.Headers.ContentType!.ToString());
            Assert.Equal("attachment", r.Content.Headers.ContentDisposition!.DispositionType);
            var bom = await r.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("1.6", bom.GetProperty("specVersion").GetString());
            var purls = bom.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("purl").GetString()).ToList();
            Assert.Contains("pkg:npm/lodash@4.17.20", purls);
            Assert.Contains("pkg:npm/left-pad@1.3.0", purls);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await otherClient.GetAsync(sbomUrl)).StatusCode);
        using (var stranger = w.App.ClientWith(await LifecycleWorld.LongTokenAsync(w.App, (await w.App.CreateUserAsync(Roles.Developer, "stranger")).Id, Roles.Developer)))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(sbomUrl)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/apps/{slug}-none/versions/1.0.0/sbom")).StatusCode);
        }

        // An admin imports an advisory for lodash into the server's store: the import starts one re-match, which reads the
        // stored SBOM (not the artifact), finds the new match and leaves every other finding as it was. Told again (a
        // re-delivered observer call), it starts nothing more.
        var scanned = (await w.VersionAsync(slug, "1.0.0")).GetProperty("version").GetProperty("currentScanId").GetGuid();
        using (var admin = w.App.ClientWith(await LifecycleWorld.LongTokenAsync(w.App, (await w.App.AdminAsync()).Id, Roles.Admin)))
        {
            var import = await admin.PostAsync("/api/advisories/import?name=lodash.json", Json(LodashAdvisory, "application/json"));
            Assert.True(import.StatusCode == HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
        }
        await w.App.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            foreach (var observer in sp.GetServices<IAdvisoryImportObserver>()) await observer.AdvisoriesImportedAsync(db, CancellationToken.None);
            await db.SaveChangesAsync();
        });
        var rematched = await WithScansOnTimeoutAsync(w, () => w.WaitForReviewAsync(slug, "1.0.0", v => v.GetProperty("version").GetProperty("currentScanId").GetGuid() != scanned
            && v.GetProperty("scan").GetProperty("state").GetString() == "done"));
        Assert.Equal("published", rematched.GetProperty("version").GetProperty("state").GetString());
        var scans = await w.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Scans.AsNoTracking()
            .Where(s => s.BasedOnScanId == scanned).ToListAsync());
        var rematch = Assert.Single(scans);
        Assert.Equal(ScanKind.Sbom, rematch.Kind);
        Assert.Equal(ScanPurposes.Rescan, rematch.Purpose);

        findings = await w.Vendor.GetFromJsonAsync<JsonElement>($"/api/apps/{slug}/versions/1.0.0/findings");
        var vuln = Assert.Single(Items(findings), f => f.GetProperty("ruleId").GetString()!.StartsWith("vuln.", StringComparison.Ordinal));
        Assert.Equal("acme-sync.zip!/package-lock.json", vuln.GetProperty("path").GetString());
        Assert.Equal("GHSA-29mw-wpgm-hmr9", vuln.GetProperty("evidence").GetString());
        Assert.Single(Items(findings), f => f.GetProperty("ruleId").GetString() == "sbom.undeclared-package");
        // The SBOM stays the version's (the same document); the vendor and staff are told once.
        using (var again = await w.Vendor.GetAsync(sbomUrl)) Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await WaitForAsync(() => w.App.WithScopeAsync(async sp =>
            await HandledAsync(sp.GetRequiredService<GatehouseDb>(), rematch.Id)));
        var notices = await w.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Outbox.AsNoTracking()
            .Where(o => o.Event == VersionScanOutcome.NewVulnerabilitiesEvent).ToListAsync());
        Assert.Contains(notices, o => o.OrganizationId == w.Org.Id);
        Assert.Contains(notices, o => o.OrganizationId == null);
        Assert.Contains("GHSA-29mw-wpgm-hmr9", notices[0].PayloadJson, StringComparison.Ordinal);
        var audit = await w.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.AsNoTracking().Select(a => a.Action).ToListAsync());
        Assert.Contains("version.sbom-uploaded", audit);
        Assert.Single(audit, a => a == "version.sbom-rematch-started");
    }

    /// <summary>A wait that times out says what the scans of the world ended with (state, verdict, error, reasons).</summary>
    private static async Task<T> WithScansOnTimeoutAsync<T>(LifecycleWorld w, Func<Task<T>> wait)
    {
        try
        {
            return await wait();
        }
        catch (TimeoutException ex)
        {
            var scans = await w.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Scans.AsNoTracking()
                .Where(s => s.OrganizationId == w.Org.Id).OrderBy(s => s.CreatedAt).ToListAsync());
            throw new TimeoutException(ex.Message + ": " + string.Join("; ", scans.Select(s =>
                $"{s.Id} {s.ArtifactType} {s.State} {s.Verdict} {s.Error} {(s.ReportJson is { } r ? JsonDocument.Parse(r).RootElement.GetProperty("reasons").ToString() : "")}")), ex);
        }
    }

    private static IEnumerable<JsonElement> Items(JsonElement findings) =>
        findings.ValueKind == JsonValueKind.Array ? findings.EnumerateArray() : findings.GetProperty("findings").EnumerateArray();

    private static async Task<bool> HandledAsync(GatehouseDb db, Guid scanId)
    {
        var scan = await db.Scans.AsNoTracking().SingleAsync(s => s.Id == scanId);
        var v = await db.AppVersions.AsNoTracking().SingleAsync(x => x.Id == scan.SubjectId);
        return scan.CompletedAt is { } done && v.LastScannedAt >= done;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        throw new TimeoutException("the condition did not hold within 30 seconds");
    }
}
