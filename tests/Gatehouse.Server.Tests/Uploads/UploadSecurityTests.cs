using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Retention;
using Gatehouse.Server.Scanning;
using Gatehouse.Server.Tests.Apps;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Uploads;

/// <summary>
/// Uploads cost nothing before they are authorised (issue 12, item 4), organisations have storage quotas and
/// unreferenced blobs are deleted after a grace period, chunked bodies work, and upload names are stored sanitised
/// with the original kept only as escaped audit metadata (item 10).
/// </summary>
public sealed class UploadSecurityTests
{
    /// <summary>
    /// A multipart body of <paramref name="fileBytes"/> zero bytes after the given fields, produced on demand and
    /// counting what the server pulled (so a test can tell "read nothing" from "spooled everything").
    /// </summary>
    private sealed class CountingMultipart(IReadOnlyDictionary<string, string> fields, string fileName, long fileBytes, bool chunked = false) : HttpContent
    {
        private const string Boundary = "----gatehouse-test-boundary";
        private long _written;
        public long Written => Interlocked.Read(ref _written);

        private byte[] Head()
        {
            var sb = new StringBuilder();
            foreach (var (k, v) in fields)
                sb.Append("--").Append(Boundary).Append("\r\nContent-Disposition: form-data; name=\"").Append(k).Append("\"\r\n\r\n").Append(v).Append("\r\n");
            sb.Append("--").Append(Boundary).Append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"").Append(fileName)
              .Append("\"\r\nContent-Type: application/octet-stream\r\n\r\n");
            return Encoding.UTF8.GetBytes(sb.ToString());
        }

        private static byte[] Tail() => Encoding.ASCII.GetBytes("\r\n--" + Boundary + "--\r\n");

        public MediaTypeHeaderValue Type => MediaTypeHeaderValue.Parse("multipart/form-data; boundary=" + Boundary);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await Write(stream, Head());
            var chunk = new byte[64 * 1024];
            for (var left = fileBytes; left > 0; left -= chunk.Length)
                await Write(stream, chunk.AsMemory(0, (int)Math.Min(chunk.Length, left)));
            await Write(stream, Tail());
        }

        private async Task Write(Stream s, ReadOnlyMemory<byte> bytes)
        {
            await s.WriteAsync(bytes);
            Interlocked.Add(ref _written, bytes.Length);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = Head().Length + fileBytes + Tail().Length;
            return !chunked;
        }
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, CountingMultipart body)
    {
        body.Headers.ContentType = body.Type;
        try
        {
            return await client.PostAsync(path, body);
        }
        catch (HttpRequestException) { return new HttpResponseMessage((HttpStatusCode)499); }
    }

    [Fact]
    public async Task A_signed_in_stranger_is_refused_before_the_console_reads_the_upload_and_members_stream_theirs()
    {
        await using var w = await LifecycleWorld.StartAsync(DbKind.Sqlite);
        var slug = await w.CreateAppAsync();
        Assert.Equal(HttpStatusCode.Created, (await w.Vendor.PostAsJsonAsync($"/api/apps/{slug}/versions", new { version = "1.0.0" })).StatusCode);
        var vendorEmail = await w.App.WithScopeAsync(async sp =>
            (await sp.GetRequiredService<GatehouseDb>().OrganizationMembers.Where(m => m.OrganizationId == w.Org.Id).Select(m => m.UserId).FirstAsync()));
        var vendor = await w.App.WithScopeAsync(async sp => (await sp.GetRequiredService<GatehouseDb>().Users.FirstAsync(u => u.Id == vendorEmail)).Email!);
        var stranger = await w.App.CreateUserAsync(Roles.Developer, "stranger");
        var strangerOrg = await w.App.CreateOrganizationAsync(stranger.Id);

        using var strangerClient = FormLogin.CookieClient(w.App);
        Assert.Equal(HttpStatusCode.Redirect, (await FormLogin.PostLoginAsync(strangerClient, stranger.Email!, "a-long-enough-password")).StatusCode);
        // A valid token of the stranger's own session (from its own organisation's page).
        var strangerToken = await FormLogin.FormTokenAsync(strangerClient, $"/console/vendor/orgs/{strangerOrg.Id}/evidence");
        const long big = 50L * 1024 * 1024;
        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = strangerToken, ["type"] = "iso27001", ["issuer"] = "BSI", ["scope"] = "all",
            ["validFrom"] = "2026-01-01", ["validUntil"] = "2029-01-01",
        };
        foreach (var path in new[] { $"/console/vendor/apps/{slug}/versions/1.0.0?handler=Upload", $"/console/vendor/orgs/{w.Org.Id}/evidence" })
        {
            var body = new CountingMultipart(fields, "noise.bin", big);
            using var r = await PostAsync(strangerClient, path, body);
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
            Assert.True(body.Written < 2 * 1024 * 1024, $"{path}: the server read {body.Written} bytes of a stranger's upload");
        }

        using var member = FormLogin.CookieClient(w.App);
        Assert.Equal(HttpStatusCode.Redirect, (await FormLogin.PostLoginAsync(member, vendor, "a-long-enough-password")).StatusCode);
        var versionPage = $"/console/vendor/apps/{slug}/versions/1.0.0";
        var token = await FormLogin.FormTokenAsync(member, versionPage);
        // Without the antiforgery token the file is not read and nothing is stored.
        var forged = new CountingMultipart(new Dictionary<string, string>(), "tool.zip", big);
        using (var r = await PostAsync(member, versionPage + "?handler=Upload", forged))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.True(forged.Written < 2 * 1024 * 1024, $"the server read {forged.Written} bytes of a forged upload");
        }
        // A cookie call to the API without the antiforgery header is refused before the body is read (antiforgery
        // would otherwise look for a form token and spool the whole multipart body first).
        var noHeader = new CountingMultipart(fields, "noise.bin", big);
        using (var r = await PostAsync(member, $"/api/orgs/{w.Org.Id}/evidence", noHeader))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.True(noHeader.Written < 2 * 1024 * 1024, $"the server read {noHeader.Written} bytes of an API upload without the header");
        }
        // A member's upload streams (chunked here); a hostile name is stored as its base name.
        var ok = new CountingMultipart(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }, "../../evil\u202Egpj.exe", 10_000, chunked: true);
        using (var r = await PostAsync(member, versionPage + "?handler=Upload", ok))
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        var v = await w.Vendor.GetFromJsonAsync<JsonElement>($"/api/apps/{slug}/versions/1.0.0");
        Assert.Equal("evilgpj.exe", v.GetProperty("version").GetProperty("artifactName").GetString());
        Assert.Equal(10_000, v.GetProperty("version").GetProperty("artifactSize").GetInt64());
        // The other handlers of the page keep the framework's antiforgery check.
        using var noToken = await member.PostAsync(versionPage + "?handler=Submit", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
    }

    [Fact]
    public async Task An_organisation_is_held_to_its_quota_and_unreferenced_blobs_are_deleted_after_the_grace_period()
    {
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite, new Dictionary<string, string?>
        {
            ["Scanning:ClamdEndpoint"] = Environment.GetEnvironmentVariable("GATEHOUSE_TEST_CLAMD") ?? "127.0.0.1:1",
            ["Blobs:OrgQuotaBytes"] = "100000",
        });
        var (dev, token) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        var org = await app.CreateOrganizationAsync(dev.Id);
        using var client = app.ClientWith(token);
        static ByteArrayContent Bytes(int n, byte fill) => new(Enumerable.Repeat(fill, n).ToArray()) { Headers = { ContentType = new("application/octet-stream") } };

        // 60 000 bytes fit; 50 000 more do not (declared length: refused before reading).
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/api/orgs/{org.Id}/scans?name=a.bin", Bytes(60_000, 1))).StatusCode);
        using var over = await client.PostAsync($"/api/orgs/{org.Id}/scans?name=b.bin", Bytes(50_000, 2));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
        Assert.Equal("blob.quota-exceeded", (await over.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        // A chunked body (no Content-Length) is counted while read and refused the same way.
        using var chunked = await client.PostAsync($"/api/orgs/{org.Id}/scans?name=c.bin",
            new StreamContent(new NonSeekable(new byte[50_000])) { Headers = { ContentType = new("application/octet-stream") } });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        Assert.Equal("blob.quota-exceeded", (await chunked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        // Retention: an orphan past the grace period goes; a referenced blob and a recent orphan stay.
        var (referenced, oldOrphan, newOrphan) = await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var blobs = sp.GetRequiredService<IBlobStore>();
            var quotas = sp.GetRequiredService<BlobQuotas>();
            var referenced = (await db.Scans.FirstAsync()).BlobDigest;
            var old = await blobs.PutAsync(new MemoryStream(new byte[] { 9, 9, 9 }), CancellationToken.None);
            var fresh = await blobs.PutAsync(new MemoryStream(new byte[] { 8, 8 }), CancellationToken.None);
            await quotas.RecordAsync(org.Id, old, CancellationToken.None);
            await quotas.RecordAsync(org.Id, fresh, CancellationToken.None);
            var longAgo = sp.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(-2);
            await db.Set<BlobUploadRecord>().Where(b => b.Digest != fresh.Digest).ExecuteUpdateAsync(s => s.SetProperty(b => b.UploadedAt, longAgo));
            return (referenced, old.Digest, fresh.Digest);
        });
        var deleted = await app.WithScopeAsync(sp => sp.GetServices<Gatehouse.Server.Jobs.IWorkHandler>().OfType<BlobRetentionHandler>().Single().RunOnceAsync(CancellationToken.None));
        Assert.Equal([oldOrphan], deleted.Select(d => d.Digest));
        await app.WithScopeAsync(async sp =>
        {
            var blobs = sp.GetRequiredService<IBlobStore>();
            Assert.False(await blobs.ExistsAsync(oldOrphan, CancellationToken.None));
            Assert.True(await blobs.ExistsAsync(referenced, CancellationToken.None));
            Assert.True(await blobs.ExistsAsync(newOrphan, CancellationToken.None));
            Assert.Equal(60_002, await sp.GetRequiredService<BlobQuotas>().UsedAsync(org.Id, CancellationToken.None));
        });
    }

    [Fact]
    public async Task Chunked_uploads_work_through_kestrel_and_hostile_names_are_stored_sanitised_with_the_original_escaped_in_the_audit()
    {
        await using var app = await GatehouseApp.StartKestrelAsync(DbKind.Sqlite, new Dictionary<string, string?>
        {
            ["Scanning:ClamdEndpoint"] = Environment.GetEnvironmentVariable("GATEHOUSE_TEST_CLAMD") ?? "127.0.0.1:1",
        });
        var (dev, token) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        var org = await app.CreateOrganizationAsync(dev.Id);
        using var client = new HttpClient { BaseAddress = new Uri(app.KestrelAddress!), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // As curl sends a chunked upload: no Content-Length, and Expect: 100-continue (the server must ask for the body).
        client.DefaultRequestHeaders.ExpectContinue = true;
        static StreamContent Chunked(byte[] bytes) => new(new NonSeekable(bytes)) { Headers = { ContentType = new("application/octet-stream") } };
        var file = Encoding.UTF8.GetBytes("Certificate of registration\nISO/IEC 27001:2022\n");

        var query = "?type=iso27001&issuer=BSI&scope=all&validFrom=2026-01-01&validUntil=2029-01-01&name=" + Uri.EscapeDataString("../../../../etc/passwd");
        var evidence = Chunked(file);
        Assert.Null(evidence.Headers.ContentLength);
        using var ev = await client.PostAsync($"/api/orgs/{org.Id}/evidence{query}", evidence);
        Assert.True(ev.StatusCode == HttpStatusCode.Accepted, await ev.Content.ReadAsStringAsync());
        Assert.Equal("passwd", (await ev.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("fileName").GetString());

        var hostile = "..\\..\\x/\u202Etxt.exe\u0007<script>.zip";
        using var scan = await client.PostAsync($"/api/orgs/{org.Id}/scans?name={Uri.EscapeDataString(hostile)}", Chunked(file));
        Assert.Equal(HttpStatusCode.Accepted, scan.StatusCode);
        Assert.Equal("txt.exe_script_.zip", (await scan.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("fileName").GetString());
        await app.WithScopeAsync(async sp =>
        {
            var entries = await sp.GetRequiredService<GatehouseDb>().AuditEntries
                .Where(a => a.Action == AuditActions.ScanSubmitted || a.Action == AuditActions.EvidenceSubmitted).Select(a => a.Data).ToListAsync();
            Assert.Contains(entries, d => JsonDocument.Parse(d).RootElement.GetProperty("originalName").GetString() == "../../../../etc/passwd");
            var scanData = entries.Single(d => d.Contains("txt.exe", StringComparison.Ordinal));
            Assert.Equal(hostile, JsonDocument.Parse(scanData).RootElement.GetProperty("originalName").GetString());
            Assert.DoesNotContain("<script>", scanData, StringComparison.Ordinal); // stored escaped
            Assert.DoesNotContain("\u202E", scanData, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("../../../../etc/passwd", "passwd")]
    [InlineData("C:\\Users\\x\\report.pdf", "report.pdf")]
    [InlineData("invoice\u202Efdp.exe", "invoicefdp.exe")]
    [InlineData("a\u0000b\u200Bc\r\n.txt", "abc.txt")]
    [InlineData("..", "file")]
    [InlineData("  ", "file")]
    [InlineData("what?.zip", "what_.zip")]
    public void Upload_names_are_made_safe_file_names(string given, string stored) =>
        Assert.Equal(stored, UploadNames.Sanitize(given));

    [Fact]
    public void A_long_upload_name_is_cut_to_255_characters_keeping_its_extension()
    {
        var name = UploadNames.Sanitize(new string('a', 600) + ".tar.gz");
        Assert.Equal(UploadNames.MaxLength, name.Length);
        Assert.EndsWith("a.gz", name, StringComparison.Ordinal);
    }

    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
