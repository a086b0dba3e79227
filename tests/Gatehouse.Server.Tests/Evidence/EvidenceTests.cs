using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Evidence;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Scanning;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Evidence;

/// <summary>
/// The evidence vault: an upload is checked by the engine, then verified or rejected by a reviewer who is
/// not a member of the organisation; nobody outside the organisation and staff ever sees it.
/// </summary>
public sealed class EvidenceTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private static Dictionary<string, string?> Engines() => new()
    {
        ["Scanning:ClamdEndpoint"] = Environment.GetEnvironmentVariable("GATEHOUSE_TEST_CLAMD")
            ?? throw new InvalidOperationException("GATEHOUSE_TEST_CLAMD is not set; ./test.sh starts clamd and sets it."),
    };

    /// <summary>The EICAR test string, assembled at run time so no file in the repository contains it.</summary>
    private static byte[] Eicar() => Encoding.ASCII.GetBytes(@"X5O!P%@AP[4\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");

    private static readonly byte[] Certificate = Encoding.UTF8.GetBytes(
        "Certificate of registration\nISO/IEC 27001:2022\nIssued to: Acme Apps Ltd\nScope: development and operation of Acme Cloud\n");

    private static string Query(string name, string type = "iso27001", string validFrom = "2026-01-01", string validUntil = "2029-01-01") =>
        $"?type={type}&issuer={Uri.EscapeDataString("BSI Group")}&scope={Uri.EscapeDataString("Acme Cloud, all sites")}"
        + $"&validFrom={Uri.EscapeDataString(validFrom)}&validUntil={Uri.EscapeDataString(validUntil)}&name={Uri.EscapeDataString(name)}";

    private static ByteArrayContent Body(byte[] bytes) => new(bytes) { Headers = { ContentType = new("application/octet-stream") } };

    private static async Task<string?> CodeOf(HttpResponseMessage r) =>
        (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();

    private static async Task<JsonElement> WaitWhileScanningAsync(HttpClient client, string location)
    {
        for (var i = 0; i < 300; i++)
        {
            var item = await client.GetFromJsonAsync<JsonElement>(location);
            if (item.GetProperty("status").GetString() != EvidenceStatus.Scanning) return item;
            await Task.Delay(100);
        }
        throw new TimeoutException("the evidence's file check did not finish within 30 s");
    }

    /// <summary>An item put straight into the database (for tests about review and visibility, not the upload).</summary>
    private static Task<EvidenceItem> AddItemAsync(GatehouseApp app, Guid orgId, string uploadedBy, string status, string fileName = "iso-cert.pdf",
        DateTimeOffset? validFrom = null, DateTimeOffset? validUntil = null) =>
        app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var item = new EvidenceItem
            {
                Id = Guid.NewGuid(), OrganizationId = orgId, Type = EvidenceTypes.Iso27001, Issuer = "BSI Group", Scope = "Acme Cloud",
                ValidFrom = validFrom ?? now.AddDays(-10), ValidUntil = validUntil ?? now.AddDays(365), BlobDigest = "sha256:" + new string('b', 64),
                FileName = fileName, Size = 10, Status = status, UploadedBy = uploadedBy, UploadedAt = now,
            };
            db.EvidenceItems.Add(item);
            await db.SaveChangesAsync();
            return item;
        });

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task An_upload_is_checked_by_the_engine_then_waits_for_review_and_a_reviewer_verifies_it(DbKind db)
    {
        var app = await servers.For(db, Engines());
        var (dev, token) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        var org = await app.CreateOrganizationAsync(dev.Id);
        var (reviewerUser, reviewerToken) = await app.UserWithTokenAsync(Roles.Reviewer, "reviewer");
        using var client = app.ClientWith(token);
        using var reviewer = app.ClientWith(reviewerToken);

        var upload = await client.PostAsync($"/api/orgs/{org.Id}/evidence" + Query("iso-27001-certificate.txt"), Body(Certificate));
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var created = await upload.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(EvidenceStatus.Scanning, created.GetProperty("status").GetString());
        Assert.Equal(Certificate.Length, created.GetProperty("size").GetInt64());
        var location = upload.Headers.Location!.OriginalString;

        var checkedItem = await WaitWhileScanningAsync(client, location);
        Assert.Equal(EvidenceStatus.PendingReview, checkedItem.GetProperty("status").GetString());
        var scanId = checkedItem.GetProperty("scanId").GetGuid();
        var scan = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Scans.AsNoTracking().SingleAsync(s => s.Id == scanId));
        Assert.Equal((ScanPurposes.Evidence, checkedItem.GetProperty("id").GetGuid(), "downloadable"), (scan.Purpose, scan.SubjectId!.Value, scan.ArtifactType));

        var staffNotices = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Outbox
            .Where(m => m.Event == "evidence.submitted").Select(m => m.Recipient).ToListAsync());
        Assert.Contains(reviewerUser.Email!, staffNotices);
        Assert.DoesNotContain(dev.Email!, staffNotices);
        var verify = await reviewer.PostAsJsonAsync($"{location}/verify", new { note = "Certificate checked against the BSI register." });
        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        var verified = await client.GetFromJsonAsync<JsonElement>(location);
        Assert.Equal(EvidenceStatus.Verified, verified.GetProperty("status").GetString());
        Assert.Equal("valid", verified.GetProperty("validity").GetString());
        Assert.Equal("Certificate checked against the BSI register.", verified.GetProperty("note").GetString());
        var again = await reviewer.PostAsJsonAsync($"{location}/reject", new { note = "changed my mind" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        var list = await client.GetFromJsonAsync<JsonElement>($"/api/orgs/{org.Id}/evidence");
        Assert.Equal(EvidenceStatus.Verified, Assert.Single(list.EnumerateArray()).GetProperty("status").GetString());

        var file = await client.GetAsync($"{location}/file");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("application/octet-stream", file.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", file.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Contains("nosniff", file.Headers.GetValues("X-Content-Type-Options"));
        Assert.Equal(Certificate, await file.Content.ReadAsByteArrayAsync());

        var actions = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries
            .Where(e => e.OrganizationId == org.Id.ToString() && e.Action.StartsWith("evidence.")).Select(e => e.Action).ToListAsync());
        Assert.Equal(new[] { "evidence.checked", "evidence.submitted", "evidence.verified" }, actions.Order(StringComparer.Ordinal));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task An_upload_with_malware_is_blocked_with_the_reason_and_never_served(DbKind db)
    {
        var app = await servers.For(db, Engines());
        var (dev, token) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        var org = await app.CreateOrganizationAsync(dev.Id);
        var (_, reviewerToken) = await app.UserWithTokenAsync(Roles.Reviewer, "reviewer");
        using var client = app.ClientWith(token);
        using var reviewer = app.ClientWith(reviewerToken);

        var upload = await client.PostAsync($"/api/orgs/{org.Id}/evidence" + Query("pentest-letter.txt", "pentest-letter"), Body(Eicar()));
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var location = upload.Headers.Location!.OriginalString;
        var item = await WaitWhileScanningAsync(client, location);
        Assert.Equal(EvidenceStatus.Blocked, item.GetProperty("status").GetString());
        Assert.Contains("reject", item.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Contains("malware", item.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await client.GetAsync($"{location}/file")).StatusCode);
        var blockedNotices = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Outbox
            .CountAsync(m => m.OrganizationId == org.Id && m.Event == "evidence.blocked" && m.Recipient == dev.Email));
        Assert.Equal(1, blockedNotices);
        Assert.Equal(HttpStatusCode.Conflict, (await reviewer.PostAsJsonAsync($"{location}/verify", new { note = "looks fine" })).StatusCode);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_reviewer_who_is_a_member_of_the_organisation_cannot_verify_its_evidence(DbKind db)
    {
        var app = await servers.For(db, Engines());
        var (reviewer, reviewerToken) = await app.UserWithTokenAsync(Roles.Reviewer, "reviewer-member");
        var owner = await app.CreateUserAsync(Roles.Developer, "owner");
        var org = await app.CreateOrganizationAsync(owner.Id);
        await app.JoinOrganizationAsync(org.Id, reviewer);
        var item = await AddItemAsync(app, org.Id, owner.Id, EvidenceStatus.PendingReview);
        using var client = app.ClientWith(reviewerToken);

        // Verifying is permissive (blocked); rejecting is protective and stays open (Apps/ConflictOfInterest.cs).
        foreach (var action in new[] { "verify" })
        {
            var r = await client.PostAsJsonAsync($"/api/evidence/{item.Id}/{action}", new { note = "mine, so surely fine" });
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Equal("review.conflict-of-interest", await CodeOf(r));
        }
        var status = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().EvidenceItems.Where(e => e.Id == item.Id).Select(e => e.Status).SingleAsync());
        Assert.Equal(EvidenceStatus.PendingReview, status);

        // Another reviewer may, and a rejection needs a reason.
        var (_, otherToken) = await app.UserWithTokenAsync(Roles.Reviewer, "reviewer-other");
        using var other = app.ClientWith(otherToken);
        Assert.Equal(HttpStatusCode.BadRequest, (await other.PostAsJsonAsync($"/api/evidence/{item.Id}/reject", new { note = "" })).StatusCode);
        var rejected = await other.PostAsJsonAsync($"/api/evidence/{item.Id}/reject", new { note = "The certificate has been withdrawn by the issuer." });
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal(EvidenceStatus.Rejected, (await rejected.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_developer_of_another_organisation_gets_404_for_its_evidence_and_developers_cannot_review(DbKind db)
    {
        var app = await servers.For(db, Engines());
        var (ownerA, tokenA) = await app.UserWithTokenAsync(Roles.Developer, "owner-a");
        var orgA = await app.CreateOrganizationAsync(ownerA.Id);
        var item = await AddItemAsync(app, orgA.Id, ownerA.Id, EvidenceStatus.PendingReview, "secret-a-soc2.pdf");
        var (devB, tokenB) = await app.UserWithTokenAsync(Roles.Developer, "dev-b");
        await app.CreateOrganizationAsync(devB.Id);
        using var b = app.ClientWith(tokenB);

        foreach (var path in new[] { $"/api/evidence/{item.Id}", $"/api/evidence/{item.Id}/file", $"/api/orgs/{orgA.Id}/evidence" })
        {
            var r = await b.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
            Assert.DoesNotContain("secret-a-soc2", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await b.PostAsync($"/api/orgs/{orgA.Id}/evidence" + Query("x.txt"), Body(Certificate))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await b.PostAsJsonAsync($"/api/evidence/{item.Id}/verify", new { note = "ok" })).StatusCode);
        using var a = app.ClientWith(tokenA);
        Assert.Equal(HttpStatusCode.Forbidden, (await a.PostAsJsonAsync($"/api/evidence/{item.Id}/verify", new { note = "ok" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync($"/api/evidence/{item.Id}")).StatusCode);
        Assert.Equal(0, await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().EvidenceItems.CountAsync(e => e.OrganizationId == orgA.Id && e.Id != item.Id)));
        using var anonymous = app.ClientWith(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/evidence/{item.Id}/file")).StatusCode);
    }

    [Theory]
    [InlineData("?type=iso9001&issuer=x&scope=y&validFrom=2026-01-01&validUntil=2027-01-01&name=a.pdf")]
    [InlineData("?type=iso27001&issuer=&scope=y&validFrom=2026-01-01&validUntil=2027-01-01&name=a.pdf")]
    [InlineData("?type=iso27001&issuer=x&scope=y&validFrom=01/02/2026&validUntil=2027-01-01&name=a.pdf")]
    [InlineData("?type=iso27001&issuer=x&scope=y&validFrom=2027-01-01&validUntil=2026-01-01&name=a.pdf")]
    [InlineData("?type=iso27001&issuer=x&scope=y&validFrom=2026-01-01&validUntil=2026-01-01&name=a.pdf")]
    [InlineData("?type=iso27001&issuer=x%07bell&scope=y&validFrom=2026-01-01&validUntil=2027-01-01&name=a.pdf")]
    [InlineData("?type=iso27001&issuer=x&scope=y&validFrom=2026-01-01&validUntil=2027-01-01&name=%20%20")]
    [InlineData("?type=iso27001&issuer=x&scope=y&validFrom=2026-01-01&validUntil=2027-01-01")]
    public async Task Uploads_with_invalid_fields_are_refused_before_anything_is_stored(string query)
    {
        var app = await servers.For(DbKind.Sqlite, Engines());
        var (dev, token) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        var org = await app.CreateOrganizationAsync(dev.Id);
        using var client = app.ClientWith(token);
        var r = await client.PostAsync($"/api/orgs/{org.Id}/evidence{query}", Body(Certificate));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("request.invalid", await CodeOf(r));
        Assert.False(await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().EvidenceItems.AnyAsync(e => e.OrganizationId == org.Id)));
    }

    [Fact]
    public async Task An_upload_over_the_evidence_limit_is_refused_with_413()
    {
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite, new Dictionary<string, string?> { ["Evidence:MaxUploadBytes"] = "64" });
        var (dev, token) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        var org = await app.CreateOrganizationAsync(dev.Id);
        using var client = app.ClientWith(token);
        var r = await client.PostAsync($"/api/orgs/{org.Id}/evidence" + Query("big.txt"), Body(new byte[65]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        Assert.Equal("request.too-large", await CodeOf(r));

        // Also without a Content-Length (chunked): the stream is cut off at the limit.
        var chunked = new StreamContent(new MemoryStream(new byte[200]));
        chunked.Headers.ContentLength = null;
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/orgs/{org.Id}/evidence" + Query("big.txt")) { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        var r2 = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r2.StatusCode);
        Assert.False(await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().EvidenceItems.AnyAsync()));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_repeated_scan_completion_changes_nothing_the_second_time(DbKind db)
    {
        var app = await servers.For(db, Engines());
        var dev = await app.CreateUserAsync(Roles.Developer, "dev");
        var org = await app.CreateOrganizationAsync(dev.Id);
        var item = await AddItemAsync(app, org.Id, dev.Id, EvidenceStatus.Scanning);
        var scan = new Scan
        {
            Id = Guid.NewGuid(), OrganizationId = org.Id, SubmittedBy = dev.Id, BlobDigest = item.BlobDigest, FileName = item.FileName,
            ArtifactType = "downloadable", State = ScanState.Done, Verdict = Gatehouse.Analysis.Verdicts.Verdict.Review, Purpose = ScanPurposes.Evidence, SubjectId = item.Id,
        };
        for (var i = 0; i < 2; i++)
            await app.WithScopeAsync(sp => sp.GetServices<IScanCompletion>().Single(c => c.Purpose == ScanPurposes.Evidence).OnCompletedAsync(scan, CancellationToken.None));

        // A late, contradicting delivery cannot move it either.
        scan.Verdict = Gatehouse.Analysis.Verdicts.Verdict.Reject;
        await app.WithScopeAsync(sp => sp.GetServices<IScanCompletion>().Single(c => c.Purpose == ScanPurposes.Evidence).OnCompletedAsync(scan, CancellationToken.None));

        var (status, audits) = await app.WithScopeAsync(async sp =>
        {
            var d = sp.GetRequiredService<GatehouseDb>();
            return (await d.EvidenceItems.Where(e => e.Id == item.Id).Select(e => e.Status).SingleAsync(),
                await d.AuditEntries.CountAsync(e => e.Action == "evidence.checked" && e.Subject == item.Id.ToString()));
        });
        Assert.Equal(EvidenceStatus.PendingReview, status);
        Assert.Equal(1, audits);
    }
}
