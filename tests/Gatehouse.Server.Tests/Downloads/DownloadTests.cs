using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Downloads;
using Gatehouse.Server.Identity;
using Gatehouse.Server.OAuth;
using Gatehouse.Server.Scanning;
using Gatehouse.Server.Tests.OAuth;
using Gatehouse.Server.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Server.Tests.Downloads;

/// <summary>
/// Signed download URLs end to end on the real host: issuing for an entitled tenant, serving with the verified
/// type and integrity headers, ranges, expiry on a fake clock, every tampered field, key rotation, revocation
/// after issuance, client binding and the separate download host.
/// </summary>
public sealed class DownloadTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    internal sealed class World : IAsyncDisposable
    {
        public required GatehouseApp App { get; init; }
        public required FakeTimeProvider Clock { get; init; }
        public required string Slug { get; init; }
        public required Guid VersionId { get; init; }
        public required byte[] Content { get; init; }
        public required string Digest { get; init; }
        public required Guid Tenant { get; init; }
        public required HttpClient TenantAdmin { get; init; }
        public required HttpClient Vendor { get; init; }
        public required HttpClient Staff { get; init; }
        public required HttpClient Admin { get; init; }
        public required HttpClient Outsider { get; init; }

        public async ValueTask DisposeAsync()
        {
            foreach (var c in new[] { TenantAdmin, Vendor, Staff, Admin, Outsider }) c.Dispose();
            await App.DisposeAsync();
        }

        /// <summary>An anonymous client: a download URL is a bearer URL.</summary>
        public HttpClient Anonymous(string baseAddress = "http://localhost") =>
            App.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(baseAddress), AllowAutoRedirect = false });

        public async Task<JsonElement> IssueAsync(HttpClient who, object? body = null)
        {
            var r = await who.PostAsJsonAsync($"/api/apps/{Slug}/versions/1.0.0/download-url", body ?? new { tenantId = Tenant });
            Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
            return await r.Content.ReadFromJsonAsync<JsonElement>();
        }

        public async Task<string> UrlAsync(object? body = null) => (await IssueAsync(TenantAdmin, body)).GetProperty("url").GetString()!;

        public Task SetStateAsync(string state) => App.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            (await db.AppVersions.SingleAsync(v => v.Id == VersionId)).State = state;
            await db.SaveChangesAsync();
        });
    }

    internal static async Task<World> StartAsync(DbKind db = DbKind.Sqlite, IDictionary<string, string?>? settings = null)
    {
        var clock = new FakeTimeProvider(Start);
        var app = await GatehouseApp.StartAsync(db, settings, s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        // Tokens that outlive the clock jumps of these tests.
        async Task<(Gatehouse.Server.Identity.GatehouseUser, string)> UserAsync(string role, string prefix)
        {
            var u = await app.CreateUserAsync(role, prefix);
            return (u, await Apps.LifecycleWorld.LongTokenAsync(app, u.Id, role));
        }
        var (dev, devToken) = await UserAsync(Roles.Developer, "vendor");
        var org = await app.CreateOrganizationAsync(dev.Id);
        var (_, staffToken) = await UserAsync(Roles.Reviewer, "reviewer");
        var (_, adminToken) = await UserAsync(Roles.Admin, "admin");
        var (admin, adminOfTenantToken) = await UserAsync(Roles.Developer, "tenant-admin");
        var (_, outsiderToken) = await UserAsync(Roles.Developer, "outsider");
        var tenant = await OAuthWorld.CreateTenantAsync(app, "Customer", admin.Id);
        var content = RandomNumberGenerator.GetBytes(300_000);
        var slug = "tool-" + Guid.NewGuid().ToString("N")[..8];
        var (versionId, digest) = await app.WithScopeAsync(async sp =>
        {
            var dbx = sp.GetRequiredService<GatehouseDb>();
            var blob = await sp.GetRequiredService<IBlobStore>().PutAsync(new MemoryStream(content), CancellationToken.None);
            var now = clock.GetUtcNow();
            var a = new App
            {
                Id = Guid.NewGuid(), OrganizationId = org.Id, Slug = slug, Name = "Tool", Type = AppTypes.Downloadable, Tier = "standard",
                CreatedBy = dev.Id, CreatedAt = now,
            };
            // The engine said what the file is; the uploader's name says otherwise and must not matter.
            var scan = new Scan
            {
                Id = Guid.NewGuid(), OrganizationId = org.Id, SubmittedBy = dev.Id, BlobDigest = blob.Digest, Size = blob.Length, FileName = "tool.html",
                ArtifactType = "downloadable", State = ScanState.Done, Verdict = Gatehouse.Analysis.Verdicts.Verdict.Pass, CreatedAt = now, CompletedAt = now,
                ReportJson = """{"artifact":{"name":"tool.html","detectedType":"application/zip"}}""",
            };
            var v = new AppVersion
            {
                Id = Guid.NewGuid(), AppId = a.Id, OrganizationId = org.Id, Version = "1.0.0", State = VersionStates.Published,
                ArtifactDigest = blob.Digest, ArtifactName = "tool \"x\".html", ArtifactSize = blob.Length, CurrentScanId = scan.Id,
                CreatedBy = dev.Id, CreatedAt = now, UpdatedAt = now, PublishedAt = now,
            };
            dbx.Apps.Add(a);
            dbx.Scans.Add(scan);
            dbx.AppVersions.Add(v);
            await dbx.SaveChangesAsync();
            return (v.Id, blob.Digest);
        });
        var tenantAdmin = app.ClientWith(adminOfTenantToken);
        var install = await tenantAdmin.PostAsJsonAsync($"/api/tenants/{tenant}/installations", new { app = slug });
        Assert.True(install.StatusCode == HttpStatusCode.Created, await install.Content.ReadAsStringAsync());
        return new World
        {
            App = app, Clock = clock, Slug = slug, VersionId = versionId, Content = content, Digest = digest, Tenant = tenant,
            TenantAdmin = tenantAdmin, Vendor = app.ClientWith(devToken), Staff = app.ClientWith(staffToken), Admin = app.ClientWith(adminToken),
            Outsider = app.ClientWith(outsiderToken),
        };
    }

    private static async Task<string?> CodeAsync(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        return text.StartsWith('{') ? JsonDocument.Parse(text).RootElement.GetProperty("code").GetString() : null;
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task An_entitled_tenant_downloads_the_published_file_with_the_verified_type_and_integrity_headers(DbKind db)
    {
        await using var w = await StartAsync(db);
        var issued = await w.IssueAsync(w.TenantAdmin);
        Assert.Equal(Start.AddMinutes(15), issued.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(w.Digest, issued.GetProperty("digest").GetString());
        using var client = w.Anonymous();
        using var r = await client.GetAsync(issued.GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(w.Content, await r.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/zip", r.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", r.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("\"" + w.Digest + "\"", r.Headers.ETag!.Tag);
        Assert.Equal("sha-256=:" + Convert.ToBase64String(SHA256.HashData(w.Content)) + ":", r.Headers.GetValues("Repr-Digest").Single());
        var disposition = r.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal("tool _x_.html", disposition.FileName!.Trim('"'));
        Assert.Equal("bytes", r.Headers.AcceptRanges.Single());

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, issued.GetProperty("url").GetString()));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(w.Content.Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());

        // Issued and served are audited; the tenant's download is counted once.
        var actions = await w.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.AsNoTracking()
            .Where(e => e.Action.StartsWith("download.")).Select(e => e.Action).ToListAsync());
        Assert.Equal([DownloadAuditActions.Served, DownloadAuditActions.UrlIssued], actions.Order(StringComparer.Ordinal).ToArray());
        var counts = await w.Vendor.GetFromJsonAsync<JsonElement>($"/api/apps/{w.Slug}/downloads");
        var row = Assert.Single(counts.EnumerateArray());
        Assert.Equal(w.Tenant, row.GetProperty("tenantId").GetGuid());
        Assert.Equal(1, row.GetProperty("downloads").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await w.Outsider.GetAsync($"/api/apps/{w.Slug}/downloads")).StatusCode);
    }

    [Fact]
    public async Task Ranges_are_served_and_a_download_counts_once()
    {
        // Every request counted here (no count window): this test is about which requests are downloads.
        await using var w = await StartAsync(settings: new Dictionary<string, string?> { ["Downloads:CountWindow"] = "00:00:00" });
        var url = await w.UrlAsync();
        using var client = w.Anonymous();
        async Task<HttpResponseMessage> Get(Action<HttpRequestHeaders> h)
        {
            var req = new HttpRequestMessage(HttpMethod.Get, url);
            h(req.Headers);
            return await client.SendAsync(req);
        }
        using var first = await Get(h => h.Range = new RangeHeaderValue(0, 99));
        Assert.Equal(HttpStatusCode.PartialContent, first.StatusCode);
        Assert.Equal(w.Content[..100], await first.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes 0-99/{w.Content.Length}", first.Content.Headers.ContentRange!.ToString());
        using var rest = await Get(h => { h.Range = new RangeHeaderValue(100, null); h.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"" + w.Digest + "\"")); });
        Assert.Equal(HttpStatusCode.PartialContent, rest.StatusCode);
        Assert.Equal(w.Content[100..], await rest.Content.ReadAsByteArrayAsync());
        using var tail = await Get(h => h.Range = new RangeHeaderValue(null, 10));
        Assert.Equal(w.Content[^10..], await tail.Content.ReadAsByteArrayAsync());
        using var stale = await Get(h => { h.Range = new RangeHeaderValue(100, null); h.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"sha256:other\"")); });
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        using var beyond = await Get(h => h.Range = new RangeHeaderValue(w.Content.Length + 10, null));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.StatusCode);

        var counts = await w.Vendor.GetFromJsonAsync<JsonElement>($"/api/apps/{w.Slug}/downloads");
        var row = Assert.Single(counts.EnumerateArray());
        Assert.Equal(2, row.GetProperty("downloads").GetInt32()); // the 0-99 range and the full 200
        Assert.Equal(4, row.GetProperty("requests").GetInt32());
    }

    [Fact]
    public async Task A_url_expires_after_its_lifetime_plus_the_clock_skew()
    {
        await using var w = await StartAsync();
        var url = await w.UrlAsync(new { tenantId = w.Tenant, lifetimeMinutes = 5 });
        using var client = w.Anonymous();
        w.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(29));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url)).StatusCode);
        w.Clock.Advance(TimeSpan.FromSeconds(2));
        using var late = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.Forbidden, late.StatusCode);
        Assert.Equal(ProblemCodes(), await CodeAsync(late));

        // Lifetime: default 15 minutes, at most 7 days.
        Assert.Equal(HttpStatusCode.BadRequest, (await w.TenantAdmin.PostAsJsonAsync($"/api/apps/{w.Slug}/versions/1.0.0/download-url",
            new { tenantId = w.Tenant, lifetimeMinutes = 7 * 24 * 60 + 1 })).StatusCode);
        var week = await w.IssueAsync(w.TenantAdmin, new { tenantId = w.Tenant, lifetimeMinutes = 7 * 24 * 60 });
        Assert.Equal(w.Clock.GetUtcNow().AddDays(7).ToUnixTimeSeconds(), week.GetProperty("expiresAt").GetDateTimeOffset().ToUnixTimeSeconds());
    }

    private static string ProblemCodes() => Gatehouse.Server.Errors.ProblemCodes.DownloadUrlInvalid;

    [Fact]
    public async Task Every_tampered_part_of_a_url_gives_the_same_403()
    {
        await using var w = await StartAsync();
        var url = new Uri(await w.UrlAsync(new { tenantId = w.Tenant, clientAddress = "203.0.113.9" }));
        var q = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(url.Query).ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
        string With(string key, string value)
        {
            var copy = new Dictionary<string, string>(q) { [key] = value };
            return url.AbsolutePath + "?" + string.Join('&', copy.Select(kv => kv.Key + "=" + Uri.EscapeDataString(kv.Value)));
        }
        string Without(string key) => url.AbsolutePath + "?" + string.Join('&', q.Where(kv => kv.Key != key).Select(kv => kv.Key + "=" + Uri.EscapeDataString(kv.Value)));
        var otherVersion = url.AbsolutePath.Replace(w.VersionId.ToString(), Guid.NewGuid().ToString(), StringComparison.Ordinal) + url.Query;
        var hex = w.Digest["sha256:".Length..];
        var otherDigest = url.AbsolutePath.Replace(hex, hex[..^1] + (hex[^1] == '0' ? '1' : '0'), StringComparison.Ordinal) + url.Query;
        var sig = q["sig"];
        var tampered = new Dictionary<string, string>
        {
            ["expiry"] = With("exp", (long.Parse(q["exp"], System.Globalization.CultureInfo.InvariantCulture) + 60).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ["key id"] = With("kid", "dkforeignkey"),
            ["subject"] = With("sub", "t:" + Guid.NewGuid()),
            ["client address"] = With("ip", "198.51.100.1"),
            ["address removed"] = Without("ip"),
            ["disposition"] = With("rcd", DownloadUrls.Base64Url("inline"u8.ToArray())),
            ["signature"] = With("sig", (sig[0] == 'A' ? "B" : "A") + sig[1..]),
            ["signature removed"] = Without("sig"),
            ["extra parameter"] = url.PathAndQuery + "&x=1",
            ["duplicated parameter"] = url.PathAndQuery + "&sub=" + Uri.EscapeDataString(q["sub"]),
            ["version"] = otherVersion,
            ["digest"] = otherDigest,
            ["garbage signature"] = With("sig", "%%%"),
        };
        using var client = w.Anonymous();
        var bodies = new HashSet<string>();
        foreach (var (what, path) in tampered)
        {
            using var r = await client.GetAsync(path);
            Assert.True(r.StatusCode == HttpStatusCode.Forbidden, $"{what}: {(int)r.StatusCode}");
            var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
            bodies.Add(doc.GetProperty("code").GetString() + "|" + doc.GetProperty("detail").GetString());
        }
        Assert.Single(bodies); // nothing tells which part failed
        // The untouched URL is bound to 203.0.113.9; this client is not that address.
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(url.PathAndQuery)).StatusCode);
        // A URL that is not bound works from anywhere; POST is not a download.
        var open = await w.UrlAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(open)).StatusCode);
        using var post = await client.PostAsync(open, null);
        Assert.NotEqual(HttpStatusCode.OK, post.StatusCode);
        Assert.NotEqual(w.Content.Length, (await post.Content.ReadAsByteArrayAsync()).Length);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Quarantine_or_uninstall_stops_urls_issued_before_with_410_and_a_reason(DbKind db)
    {
        await using var w = await StartAsync(db);
        var url = await w.UrlAsync();
        var vendorUrl = (await w.IssueAsync(w.Vendor, new { })).GetProperty("url").GetString()!;
        using var client = w.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url)).StatusCode);

        var quarantine = await w.Staff.PostAsJsonAsync($"/api/apps/{w.Slug}/versions/1.0.0/actions",
            new { action = Lifecycle.Actions.Quarantine, reasonCodes = new[] { "GH-FILE-1" }, text = "malware reported" });
        Assert.True(quarantine.StatusCode == HttpStatusCode.OK, await quarantine.Content.ReadAsStringAsync());
        foreach (var u in new[] { url, vendorUrl })
        {
            using var gone = await client.GetAsync(u);
            Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
            var body = JsonDocument.Parse(await gone.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(Gatehouse.Server.Errors.ProblemCodes.DownloadUnavailable, body.GetProperty("code").GetString());
            Assert.Equal(VersionStates.Quarantined, body.GetProperty("reason").GetString());
        }
        // No new URL either.
        Assert.Equal(HttpStatusCode.Gone, (await w.TenantAdmin.PostAsJsonAsync($"/api/apps/{w.Slug}/versions/1.0.0/download-url", new { tenantId = w.Tenant })).StatusCode);

        var reinstate = await w.Staff.PostAsJsonAsync($"/api/apps/{w.Slug}/versions/1.0.0/actions",
            new { action = Lifecycle.Actions.Reinstate, reasonCodes = new[] { "GH-FILE-1" }, text = "false positive" });
        Assert.True(reinstate.StatusCode == HttpStatusCode.OK, await reinstate.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url)).StatusCode);

        // The tenant removes the app: its URLs stop, the vendor's do not.
        var installations = await w.TenantAdmin.GetFromJsonAsync<JsonElement>($"/api/tenants/{w.Tenant}/installations");
        var id = installations.EnumerateArray().Single().GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await w.TenantAdmin.DeleteAsync($"/api/tenants/{w.Tenant}/installations/{id}")).StatusCode);
        using var uninstalled = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.Gone, uninstalled.StatusCode);
        Assert.Equal("not-entitled", JsonDocument.Parse(await uninstalled.Content.ReadAsStringAsync()).RootElement.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(vendorUrl)).StatusCode);
    }

    [Fact]
    public async Task Rotation_keeps_old_urls_working_until_the_old_key_is_retired()
    {
        await using var w = await StartAsync();
        var before = await w.IssueAsync(w.TenantAdmin);
        var oldKid = before.GetProperty("keyId").GetString()!;
        Assert.Equal(HttpStatusCode.Forbidden, (await w.Staff.PostAsync("/api/admin/download-keys/rotate", null)).StatusCode);
        var rotated = await w.Admin.PostAsJsonAsync("/api/admin/download-keys/rotate", new { overlapHours = 24 });
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newKid = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.NotEqual(oldKid, newKid);
        var after = await w.IssueAsync(w.TenantAdmin);
        Assert.Equal(newKid, after.GetProperty("keyId").GetString());
        using var client = w.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(before.GetProperty("url").GetString())).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await w.Admin.PostAsync($"/api/admin/download-keys/{newKid}/retire", null)).StatusCode);

        // The overlap ends on its own ...
        var longUrl = await w.UrlAsync(new { tenantId = w.Tenant, lifetimeMinutes = 3 * 24 * 60 });
        w.Clock.Advance(TimeSpan.FromHours(25));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(before.GetProperty("url").GetString())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(longUrl)).StatusCode);
        // ... or an admin retires a key at once.
        Assert.Equal(HttpStatusCode.OK, (await w.Admin.PostAsync("/api/admin/download-keys/rotate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await w.Admin.PostAsync($"/api/admin/download-keys/{newKid}/retire", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(longUrl)).StatusCode);
        var keys = await w.Admin.GetFromJsonAsync<JsonElement>("/api/admin/download-keys");
        Assert.Equal(3, keys.GetArrayLength());
        Assert.Single(keys.EnumerateArray(), k => k.GetProperty("verifies").GetBoolean());
    }

    [Fact]
    public async Task Only_entitled_tenants_the_vendor_and_staff_get_urls()
    {
        await using var w = await StartAsync();
        var other = await OAuthWorld.CreateTenantAsync(w.App, "Not entitled", await w.App.WithScopeAsync(sp =>
            sp.GetRequiredService<GatehouseDb>().Set<TenantAdmin>().Where(t => t.TenantId == w.Tenant).Select(t => t.UserId).SingleAsync()));
        Assert.Equal(HttpStatusCode.Forbidden, (await w.TenantAdmin.PostAsJsonAsync($"/api/apps/{w.Slug}/versions/1.0.0/download-url", new { tenantId = other })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await w.Outsider.PostAsJsonAsync($"/api/apps/{w.Slug}/versions/1.0.0/download-url", new { tenantId = w.Tenant })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await w.Outsider.PostAsJsonAsync($"/api/apps/{w.Slug}/versions/1.0.0/download-url", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await w.TenantAdmin.PostAsJsonAsync($"/api/apps/{w.Slug}/versions/1.0.0/download-url", new { })).StatusCode);
        var staff = await w.IssueAsync(w.Staff, new { });
        using var client = w.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(staff.GetProperty("url").GetString())).StatusCode);
        // A draft is not downloadable, and storage URLs are off by default.
        await w.SetStateAsync(VersionStates.Approved);
        Assert.Equal(HttpStatusCode.Gone, (await w.Vendor.PostAsJsonAsync($"/api/apps/{w.Slug}/versions/1.0.0/download-url", new { })).StatusCode);
        await w.SetStateAsync(VersionStates.Published);
        Assert.Equal(HttpStatusCode.BadRequest, (await w.Vendor.PostAsJsonAsync($"/api/apps/{w.Slug}/versions/1.0.0/download-url", new { via = "storage" })).StatusCode);
    }

    [Fact]
    public async Task A_separate_download_host_serves_files_and_nothing_else()
    {
        await using var w = await StartAsync(settings: new Dictionary<string, string?> { ["Downloads:BaseUrl"] = "https://dl.example.test" });
        var url = new Uri(await w.UrlAsync());
        Assert.Equal("dl.example.test", url.Host);
        using var dl = w.Anonymous("https://dl.example.test");
        using var console = w.Anonymous("https://localhost");
        Assert.Equal(HttpStatusCode.OK, (await dl.GetAsync(url.PathAndQuery)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await console.GetAsync(url.PathAndQuery)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await dl.GetAsync("/account/login")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await dl.GetAsync("/api/guidelines")).StatusCode);
    }

    [Fact]
    public async Task On_the_s3_store_files_and_ranges_stream_through_gatehouse_and_storage_urls_are_presigned()
    {
        var settings = Blobs.S3TestServer.Settings(Blobs.S3TestServer.NewPrefix());
        settings["Downloads:AllowStorageUrls"] = "true";
        await using var w = await StartAsync(settings: settings);
        Assert.IsType<S3BlobStore>(w.App.Services.GetRequiredService<IBlobStore>());
        var url = await w.UrlAsync();
        using var client = w.Anonymous();
        using var whole = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(w.Content, await whole.Content.ReadAsByteArrayAsync());
        var req = new HttpRequestMessage(HttpMethod.Get, url);
        req.Headers.Range = new RangeHeaderValue(1000, 1999);
        using var part = await client.SendAsync(req);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(w.Content[1000..2000], await part.Content.ReadAsByteArrayAsync());

        // The storage's own URL (SigV4), signed with the verified type and the attachment name.
        var storage = await w.IssueAsync(w.TenantAdmin, new { tenantId = w.Tenant, via = "storage" });
        var presigned = new Uri(storage.GetProperty("url").GetString()!);
        Assert.Contains("X-Amz-Algorithm=AWS4-HMAC-SHA256", presigned.Query, StringComparison.Ordinal);
        Assert.Contains("response-content-disposition=", presigned.Query, StringComparison.Ordinal);
        Assert.Equal("storage", storage.GetProperty("via").GetString());
        using var direct = new HttpClient();
        using var fromS3 = await direct.GetAsync(presigned);
        Assert.Equal(HttpStatusCode.OK, fromS3.StatusCode);
        Assert.Equal(w.Content, await fromS3.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", fromS3.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal(HttpStatusCode.BadRequest, (await w.TenantAdmin.PostAsJsonAsync($"/api/apps/{w.Slug}/versions/1.0.0/download-url",
            new { tenantId = w.Tenant, via = "storage", lifetimeMinutes = 7 * 24 * 60 + 1 })).StatusCode);
    }

    [Fact]
    public void Signing_covers_every_field_and_verifies_in_constant_time()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var g = new DownloadGrant("GET", Guid.NewGuid(), new string('a', 64), Start, "dk1", "t:" + Guid.NewGuid(), null, DownloadUrls.Attachment("a.zip"));
        var sig = DownloadUrls.Sign(g, key);
        Assert.True(DownloadUrls.Verify(g, sig, key));
        Assert.False(DownloadUrls.Verify(g, sig, RandomNumberGenerator.GetBytes(32)));
        foreach (var changed in new[]
                 {
                     g with { Method = "POST" }, g with { VersionId = Guid.NewGuid() }, g with { DigestHex = new string('b', 64) },
                     g with { ExpiresAt = Start.AddSeconds(1) }, g with { KeyId = "dk2" }, g with { Subject = "u:someone" },
                     g with { ClientAddress = "127.0.0.1" }, g with { ContentDisposition = "inline" },
                 })
            Assert.False(DownloadUrls.Verify(changed, sig, key));
        Assert.Throws<ArgumentException>(() => DownloadUrls.Sign(g with { Subject = "t:x\nexp" }, key));
        Assert.Equal("attachment; filename=\"a_b_.zip\"; filename*=UTF-8''a%22b%0A.zip", DownloadUrls.Attachment("dir/a\"b\n.zip"));
        // A right-to-left override cannot disguise the extension in the ASCII name; the UTF-8 name is percent-encoded.
        Assert.Equal("attachment; filename=\"_evil.exe\"; filename*=UTF-8''%E2%80%AEevil.exe", DownloadUrls.Attachment("\u202eevil.exe"));
    }
}
