using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Server.Advisories;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Scanning;
using Gatehouse.Server.Tests.Apps;
using Gatehouse.Server.Tests.Notifications;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Advisories;

/// <summary>
/// One server for the class, with scheduled-import sources set up before it starts: a local folder, an OSV export
/// served from a loopback mirror (127.0.0.1, stopped with the class), and a URL the mirror answers 404.
/// </summary>
public sealed class AdvisoriesServer : IAsyncLifetime
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("gatehouse-osv-").FullName;
    public WebhookReceiver Mirror { get; private set; } = null!;
    public GatehouseApp App { get; private set; } = null!;
    public CountingObserver Observer { get; } = new();
    public DateTimeOffset Modified { get; } = TimeProvider.System.GetUtcNow().AddHours(-1);

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(Folder, "GHSA-fold-0001-0001.json"), OsvSamples.Record("GHSA-fold-0001-0001", "folder-pkg", Modified));
        var export = OsvSamples.Zip(("GHSA-mirr-0001-0001", OsvSamples.Record("GHSA-mirr-0001-0001", "mirror-pkg", Modified)));
        Mirror = await WebhookReceiver.StartAsync();
        Mirror.Respond = async (ctx, _) =>
        {
            if (ctx.Request.Path != "/osv/npm/all.zip")
            {
                ctx.Response.StatusCode = 404;
                return;
            }
            ctx.Response.ContentType = "application/zip";
            await ctx.Response.Body.WriteAsync(export);
        };
        App = await GatehouseApp.StartAsync(DbKind.Sqlite, new Dictionary<string, string?>
        {
            ["Advisories:Sources:0"] = Folder,
            ["Advisories:Sources:1"] = Mirror.Url("/osv/npm/all.zip"),
            ["Advisories:Sources:2"] = Mirror.Url("/osv/gone/all.zip"),
        }, s => s.AddSingleton<IAdvisoryImportObserver>(Observer));
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Mirror.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>Counts the calls an import makes, as the SBOM re-match does (it stages, never saves).</summary>
    public sealed class CountingObserver : IAdvisoryImportObserver
    {
        private int _calls;
        public int Calls => Volatile.Read(ref _calls);

        public Task AdvisoriesImportedAsync(GatehouseDb db, CancellationToken ct)
        {
            Interlocked.Increment(ref _calls);
            return Task.CompletedTask;
        }
    }
}

/// <summary>The server's advisory store: admin import, status, scheduled import, and VEX answers to vulnerability findings.</summary>
public sealed class AdvisoriesServerTests(AdvisoriesServer server) : IClassFixture<AdvisoriesServer>
{
    private GatehouseApp App => server.App;

    private async Task<HttpClient> AdminAsync()
    {
        var admin = await App.AdminAsync();
        return App.ClientWith((await App.IssueTokenAsync(admin.Id, Scopes.Read, Scopes.Write, Scopes.Admin)).Token);
    }

    private Task<List<AuditEntry>> AuditAsync(string action) =>
        App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.AsNoTracking().Where(e => e.Action == action).ToListAsync());

    [Fact]
    public async Task An_admin_imports_an_osv_export_and_anyone_signed_in_sees_how_current_the_store_is()
    {
        using var admin = await AdminAsync();
        var modified = TimeProvider.System.GetUtcNow().AddMinutes(-30);
        var zip = OsvSamples.Zip(
            ("GHSA-upld-0001-0001", OsvSamples.Record("GHSA-upld-0001-0001", "upload-a", modified, cve: "CVE-2026-40001")),
            ("GHSA-upld-0002-0002", OsvSamples.Record("GHSA-upld-0002-0002", "upload-b", modified.AddDays(-5))));
        var calls = server.Observer.Calls;

        using var first = await admin.PostAsync("/api/advisories/import?name=npm-all.zip", new ByteArrayContent(zip) { Headers = { ContentType = new("application/zip") } });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var result = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, result.GetProperty("added").GetInt64());
        Assert.Equal(calls + 1, server.Observer.Calls); // the store changed: the re-match is started with the audit entry
        var entry = (await AuditAsync(AuditActions.AdvisoriesImported)).Single(e => e.Data.Contains("npm-all.zip", StringComparison.Ordinal));
        Assert.Equal((await App.AdminAsync()).Id, entry.Actor);
        Assert.Contains("\"added\":2", entry.Data, StringComparison.Ordinal);

        // The same export again changes nothing (incremental by modified), and starts nothing.
        using var again = await admin.PostAsync("/api/advisories/import", new ByteArrayContent(zip));
        var second = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((0L, 2L), (second.GetProperty("added").GetInt64(), second.GetProperty("skipped").GetInt64()));
        Assert.Equal(calls + 1, server.Observer.Calls);

        // A developer reads the status too: vendors judge findings by the feed's age.
        var (_, devToken) = await App.UserWithTokenAsync(Roles.Developer, "dev");
        using var dev = App.ClientWith(devToken);
        var status = await dev.GetFromJsonAsync<JsonElement>("/api/advisories/status");
        Assert.True(status.GetProperty("advisories").GetInt64() >= 2);
        Assert.False(status.GetProperty("stale").GetBoolean());
        Assert.True(status.GetProperty("lastImport").GetDateTimeOffset() > TimeProvider.System.GetUtcNow().AddMinutes(-5));
        var npm = status.GetProperty("ecosystems").EnumerateArray().Single(e => e.GetProperty("ecosystem").GetString() == "npm");
        Assert.True(npm.GetProperty("newestModified").GetDateTimeOffset() >= modified.AddSeconds(-1));
    }

    [Fact]
    public async Task Only_admins_import_and_a_refused_callers_upload_is_not_read()
    {
        var (dev, devToken) = await App.UserWithTokenAsync(Roles.Developer, "dev");
        using var developer = App.ClientWith(devToken);
        var (_, reviewerToken) = await App.UserWithTokenAsync(Roles.Reviewer, "rev");
        using var reviewer = App.ClientWith(reviewerToken);
        foreach (var (client, expected) in new[] { (developer, HttpStatusCode.Forbidden), (reviewer, HttpStatusCode.Forbidden), (App.ClientWith(null), HttpStatusCode.Unauthorized) })
        {
            var body = new CountingContent(50L * 1024 * 1024);
            using var r = await SendAsync(client, body);
            Assert.Equal(expected, r.StatusCode);
            Assert.True(body.Written < 2 * 1024 * 1024, $"the server read {body.Written} bytes of a refused import");
        }
        Assert.DoesNotContain(await AuditAsync(AuditActions.AdvisoriesImported), e => e.Actor == dev.Id);

        // An admin's import is bounded too: not JSON nor zip is a 400, and nothing is recorded.
        using var admin = await AdminAsync();
        using var junk = await admin.PostAsync("/api/advisories/import?name=junk.bin", new ByteArrayContent("PK\u0003\u0004 not really a zip"u8.ToArray()));
        Assert.Equal(HttpStatusCode.BadRequest, junk.StatusCode);
        Assert.DoesNotContain(await AuditAsync(AuditActions.AdvisoriesImported), e => e.Data.Contains("junk.bin", StringComparison.Ordinal));

        static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpContent body)
        {
            try
            {
                return await client.PostAsync("/api/advisories/import", body);
            }
            catch (HttpRequestException)
            {
                return new HttpResponseMessage((HttpStatusCode)499);
            }
        }
    }

    [Fact]
    public async Task The_scheduled_import_reads_a_folder_and_a_mirror_and_records_the_source_that_failed()
    {
        // Off unless configured: the periodic work is registered with a zero interval here.
        var periodic = await App.WithScopeAsync(sp => Task.FromResult(sp.GetServices<IPeriodicWork>().Single(p => p.Kind == AdvisoryImportHandler.KindName)));
        Assert.Equal(TimeSpan.Zero, periodic.Every);

        var calls = server.Observer.Calls;
        var first = await RunAsync();
        Assert.Equal(3, first.Sources.Count);
        Assert.Equal(1, first.Sources[0].Result!.Added);
        Assert.Equal(1, first.Sources[1].Result!.Added);
        Assert.Contains("404", first.Sources[2].Error, StringComparison.Ordinal);
        Assert.Equal(calls + 1, server.Observer.Calls);
        var entry = (await AuditAsync(AuditActions.AdvisoriesImported)).Last(e => e.Data.Contains("scheduled", StringComparison.Ordinal));
        Assert.Equal("system", entry.Actor);
        Assert.Contains("/osv/gone/all.zip", entry.Data, StringComparison.Ordinal);

        // The next run finds nothing newer: nothing changes and nothing is started.
        var second = await RunAsync();
        Assert.Equal(0, second.Changed);
        Assert.Equal(calls + 1, server.Observer.Calls);

        Task<ScheduledImportReport> RunAsync() => App.WithScopeAsync(sp => sp.GetRequiredService<AdvisoryImports>().RunSourcesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_vendors_vex_turns_not_affected_statements_into_suppression_requests_for_a_reviewer()
    {
        var (vendor, vendorToken) = await App.UserWithTokenAsync(Roles.Developer, "vendor");
        var org = await App.CreateOrganizationAsync(vendor.Id);
        using var client = App.ClientWith(vendorToken);
        var slug = $"vex-{Guid.NewGuid():N}"[..20];
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync($"/api/orgs/{org.Id}/apps", new { slug, name = "Acme Sync", type = "downloadable", tier = "standard" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync($"/api/apps/{slug}/versions", new { version = "1.0.0" })).StatusCode);
        // The version's scan found two vulnerable packages (stored as the engine writes vuln.* findings).
        var lodash = VexMatchingTests.Finding("GHSA-jf85-cpcp-j695", "pkg:npm/lodash@4.17.20", cve: "CVE-2019-10744");
        var minimist = VexMatchingTests.Finding("GHSA-xvch-5gv4-984h", "pkg:npm/minimist@1.2.5", cve: "CVE-2021-44906");
        await App.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var appId = await db.Apps.Where(a => a.Slug == slug).Select(a => a.Id).SingleAsync();
            var v = await db.AppVersions.SingleAsync(x => x.AppId == appId);
            db.Scans.Add(new Scan
            {
                Id = Guid.NewGuid(), OrganizationId = org.Id, SubmittedBy = vendor.Id, BlobDigest = "sha256:" + new string('0', 64), FileName = "acme.zip",
                ArtifactType = "downloadable", State = ScanState.Done, Purpose = "submission", SubjectId = v.Id, CreatedAt = TimeProvider.System.GetUtcNow(),
                Findings = [lodash, minimist],
            });
            await db.SaveChangesAsync();
        });

        var vex = $$"""
            {
              "@context": "https://openvex.dev/ns/v0.2.0",
              "@id": "https://acme.example/vex/2026-001",
              "author": "Acme Security",
              "timestamp": "2026-12-01T00:00:00Z",
              "version": 1,
              "statements": [
                { "vulnerability": { "name": "CVE-2019-10744" },
                  "products": [ { "@id": "pkg:generic/acme-sync@1.0.0", "subcomponents": [ { "@id": "pkg:npm/lodash@4.17.20" } ] } ],
                  "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path",
                  "impact_statement": "Acme Sync never calls lodash.defaultsDeep, the only affected function." },
                { "vulnerability": { "name": "CVE-2099-0001" },
                  "products": [ { "@id": "pkg:npm/lodash@4.17.20" } ],
                  "status": "not_affected", "justification": "component_not_present" },
                { "vulnerability": { "name": "CVE-2021-44906" },
                  "products": [ { "@id": "pkg:npm/minimist@1.2.5" } ],
                  "status": "affected", "action_statement": "Upgrade to 1.2.6" }
              ]
            }
            """;
        using var answer = await client.PostAsync($"/api/apps/{slug}/versions/1.0.0/vex", new StringContent(vex, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var result = await answer.Content.ReadFromJsonAsync<JsonElement>();
        var requested = Assert.Single(result.GetProperty("requested").EnumerateArray().ToList());
        Assert.Equal(lodash.Fingerprint, requested.GetProperty("fingerprint").GetString());
        Assert.Equal("requested", requested.GetProperty("state").GetString());
        Assert.Contains("vulnerable_code_not_in_execute_path", requested.GetProperty("justification").GetString(), StringComparison.Ordinal);
        Assert.Contains("never calls lodash.defaultsDeep", requested.GetProperty("justification").GetString(), StringComparison.Ordinal);
        Assert.Equal(["CVE-2099-0001", "CVE-2021-44906"], result.GetProperty("notApplied").EnumerateArray().Select(n => n.GetProperty("vulnerability").GetString()));

        // The reviewer's queue holds the request; the same document again asks for nothing more.
        var listed = await client.GetFromJsonAsync<JsonElement>($"/api/apps/{slug}/suppressions");
        Assert.Single(listed.EnumerateArray().ToList());
        using var repeat = await client.PostAsync($"/api/apps/{slug}/versions/1.0.0/vex", new StringContent(vex, Encoding.UTF8, "application/json"));
        Assert.Empty((await repeat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requested").EnumerateArray());
        Assert.Single(await AuditAsync(AuditActions.SuppressionRequested), e => e.Data.Contains(slug, StringComparison.Ordinal));

        // Not VEX: a 400 with the parser's code; another organisation's developer: 404, as for the app itself.
        using var junk = await client.PostAsync($"/api/apps/{slug}/versions/1.0.0/vex", new StringContent("""{"hello":"world"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, junk.StatusCode);
        var (_, strangerToken) = await App.UserWithTokenAsync(Roles.Developer, "stranger");
        using var stranger = App.ClientWith(strangerToken);
        using var refused = await stranger.PostAsync($"/api/apps/{slug}/versions/1.0.0/vex", new StringContent(vex, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
    }

    [Fact]
    public async Task The_admin_console_shows_the_store_and_imports_a_file_through_its_streamed_form()
    {
        var admin = await App.CreateUserAsync(Roles.Admin, "console-admin");
        using var client = FormLogin.CookieClient(App);
        using (var signIn = await FormLogin.SignInAsync(App, client, admin.Email!, "a-long-enough-password"))
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        const string page = "/console/admin/advisories";
        var token = await FormLogin.FormTokenAsync(client, page);
        var zip = OsvSamples.Zip(("GHSA-cons-0001-0001", OsvSamples.Record("GHSA-cons-0001-0001", "console-pkg", TimeProvider.System.GetUtcNow().AddHours(-2))));
        // The token first, the file last: the page checks the token before it reads the file.
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new ByteArrayContent(zip), "file", "console-export.zip" },
        };
        using var posted = await client.PostAsync(page + "?handler=Import", form);
        var html = await posted.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("Imported: 1 read, 1 added", html, StringComparison.Ordinal);
        Assert.Contains("data-ecosystem=\"npm\"", html, StringComparison.Ordinal);
        Assert.Single(await AuditAsync(AuditActions.AdvisoriesImported), e => e.Data.Contains("console-export.zip", StringComparison.Ordinal) && e.Actor == admin.Id);

        // Without the token nothing is imported.
        using var forged = new MultipartFormDataContent { { new ByteArrayContent(zip), "file", "forged.zip" } };
        using var refused = await client.PostAsync(page + "?handler=Import", forged);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.DoesNotContain(await AuditAsync(AuditActions.AdvisoriesImported), e => e.Data.Contains("forged.zip", StringComparison.Ordinal));
    }

    /// <summary>A body of zero bytes made on demand, counting what the server pulled.</summary>
    private sealed class CountingContent(long bytes) : HttpContent
    {
        private long _written;
        public long Written => Interlocked.Read(ref _written);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            for (var left = bytes; left > 0; left -= chunk.Length)
            {
                var n = (int)Math.Min(chunk.Length, left);
                await stream.WriteAsync(chunk.AsMemory(0, n));
                Interlocked.Add(ref _written, n);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes;
            return true;
        }
    }
}
