using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Console.Tests.Support;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Evidence;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Gatehouse.Console.Tests.Review;

/// <summary>The reviewer's pages in a real browser: queue, submission, decisions, suppressions, evidence, audit trail.</summary>
public sealed class ReviewConsoleTests
{
    [Fact]
    public async Task A_reviewer_works_the_queue_decides_on_versions_suppressions_and_evidence_and_sees_it_in_the_audit_trail()
    {
        await using var app = await GatehouseApp.StartKestrelAsync(DbKind.Sqlite);
        var world = await ReviewWorld.CreateAsync(app);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.PageAsync(app);
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(); // data-confirm on reject/quarantine
        await Browser.SignInAsync(page, world.Reviewer.Email!, ReviewWorld.Password);

        // The queue: both versions, the overdue one says so in words.
        await page.GotoAsync("/console/review");
        Assert.Equal("Review queue · Gatehouse", await page.TitleAsync());
        var queue = page.GetByRole(AriaRole.Table);
        await Assertions.Expect(queue.GetByRole(AriaRole.Link, new() { Name = "Acme Sync 1.1.0" })).ToBeVisibleAsync();
        await Assertions.Expect(queue.GetByRole(AriaRole.Row).Filter(new() { HasText = "Beta Tool 2.0.0" })).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"overdue by (10|10\.1) h"));
        await Assertions.Expect(queue.GetByRole(AriaRole.Row).Filter(new() { HasText = "Acme Sync 1.1.0" })).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"1(09\.9|10) h left"));
        await Browser.CheckAsync(page, "review-queue");

        // Filters are a GET form.
        await page.GetByLabel("App type").SelectOptionAsync("web-integration");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Nothing matches")).ToBeVisibleAsync();
        Assert.Contains("type=web-integration", page.Url, StringComparison.Ordinal);
        await page.GotoAsync("/console/review?overdue=true");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Beta Tool 2.0.0" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Acme Sync 1.1.0" })).ToHaveCountAsync(0);

        // Assign to me, then "assigned to me" shows only that one.
        await page.GotoAsync("/console/review");
        await page.GetByRole(AriaRole.Button, new() { Name = "Assign Acme Sync 1.1.0 to me" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("assigned to you");
        await page.GetByLabel("Assigned", new() { Exact = true }).SelectOptionAsync("me");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Acme Sync 1.1.0" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Beta Tool 2.0.0" })).ToHaveCountAsync(0);

        // The suppression request: approve it with an expiry.
        await page.GotoAsync("/console/review/suppressions");
        await Assertions.Expect(page.GetByText("never executed")).ToBeVisibleAsync();
        await Browser.CheckAsync(page, "review-suppressions");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve suppression" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("approved");
        var suppression = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Suppressions.AsNoTracking().SingleAsync(s => s.Id == world.SuppressionId));
        Assert.Equal(SuppressionStates.Approved, suppression.State);
        Assert.True(suppression.ExpiresAt > app.Services.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(80));

        // The submission: findings grouped by requirement, then severity; the suppressed one is marked.
        await page.GotoAsync("/console/review");
        await page.GetByRole(AriaRole.Link, new() { Name = "Acme Sync 1.1.0" }).ClickAsync();
        Assert.EndsWith("/console/review/apps/acme-sync/versions/1.1.0", page.Url, StringComparison.Ordinal);
        var secretGroup = page.Locator("section.requirement").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = world.SecretRequirement + ":" }) });
        await Assertions.Expect(secretGroup.GetByRole(AriaRole.Heading, new() { Level = 4 })).ToContainTextAsync("high");
        await Assertions.Expect(secretGroup.GetByRole(AriaRole.Link, new() { Name = "Guideline " + world.SecretRequirement })).ToHaveAttributeAsync("href", "/guidelines#" + world.SecretRequirement);
        await Assertions.Expect(secretGroup).ToContainTextAsync($"docs/rules/{world.SecretRule}.md");
        await Assertions.Expect(page.Locator("tr.suppressed")).ToContainTextAsync("suppressed");
        await Assertions.Expect(page.Locator("ul.diff").First).ToContainTextAsync("Removed");
        await Assertions.Expect(page.Locator("ul.diff").Nth(1)).ToContainTextAsync("Credentials rotate monthly now");
        await Assertions.Expect(page.GetByText("No SBOM for this version yet")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Dana Smith, CISO")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Example Certification Ltd")).ToBeVisibleAsync();
        await Browser.CheckAsync(page, "review-submission");

        // Approving is refused by the guard (the secret still blocks); the page lists the guard.
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).ClickAsync();
        var alert = page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(alert).ToContainTextAsync("scan.blocking-findings");
        await Assertions.Expect(alert).ToContainTextAsync(world.SecretRule);
        await Browser.CheckAsync(page, "review-submission-guard-failed");

        // Request changes with the requirement as the reason code.
        await page.GetByRole(AriaRole.Checkbox, new() { Name = world.SecretRequirement, Exact = true }).CheckAsync();
        await page.GetByLabel("What must change, or why it is rejected (required)").FillAsync("Remove the key from config/settings.json and rotate it.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Request changes" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("changes-requested");
        var (acmeState, transition) = await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var v = await db.AppVersions.AsNoTracking().SingleAsync(x => x.AppId == world.Acme.Id && x.Version == "1.1.0");
            var t = await db.VersionTransitions.AsNoTracking().Where(x => x.AppVersionId == v.Id).OrderByDescending(x => x.Id).FirstAsync();
            return (v.State, t);
        });
        Assert.Equal(VersionStates.ChangesRequested, acmeState);
        Assert.Equal(Lifecycle.Actions.RequestChanges, transition.Action);
        Assert.Equal([world.SecretRequirement], JsonSerializer.Deserialize<List<string>>(transition.ReasonCodes));
        Assert.Equal(world.Reviewer.Id, transition.Actor);
        await Assertions.Expect(page.Locator("code.reason").Filter(new() { HasText = world.SecretRequirement })).ToBeVisibleAsync();

        // Approve the other version.
        await page.GotoAsync("/console/review/apps/beta-tool/versions/2.0.0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("approved");
        Assert.Equal(VersionStates.Approved, await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AppVersions
            .Where(x => x.AppId == world.Beta.Id).Select(x => x.State).SingleAsync()));

        // Evidence: the file is one click away; verify it.
        await page.GotoAsync("/console/review/evidence");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download iso-cert.pdf" }))
            .ToHaveAttributeAsync("href", $"/api/evidence/{world.EvidenceId}/file");
        await Browser.CheckAsync(page, "review-evidence");
        await page.GetByLabel("Note (optional)").FillAsync("Certificate checked against the issuer's register.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify evidence" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("verified");
        await Assertions.Expect(page.GetByText("No evidence is waiting")).ToBeVisibleAsync();
        Assert.Equal(EvidenceStatus.Verified, await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().EvidenceItems
            .Where(x => x.Id == world.EvidenceId).Select(x => x.Status).SingleAsync()));

        // The app's audit trail lists the decisions, newest first.
        await page.GotoAsync("/console/review/apps/acme-sync/audit");
        var rows = page.GetByRole(AriaRole.Table).GetByRole(AriaRole.Row);
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("version.request-changes");
        await Assertions.Expect(page.GetByRole(AriaRole.Table)).ToContainTextAsync("suppression.approved");
        await Assertions.Expect(page.GetByRole(AriaRole.Table)).ToContainTextAsync("version.assigned");
        await Assertions.Expect(page.GetByRole(AriaRole.Table)).ToContainTextAsync("suppression of " + world.MediumRule);
        await Browser.CheckAsync(page, "review-audit");
    }

    [Fact]
    public async Task A_vendor_supplied_app_name_with_a_script_tag_comes_out_encoded_on_the_submission_page()
    {
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite);
        await ReviewWorld.CreateAsync(app, acmeName: "<script>alert(1)</script>");
        var (_, token) = await app.UserWithTokenAsync(Roles.Reviewer, "reviewer");
        using var client = app.ClientWith(token);

        foreach (var path in new[] { "/console/review/apps/acme-sync/versions/1.1.0", "/console/review", "/console/review/apps/acme-sync/audit" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
            Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/console/review/apps/acme-sync/versions/9.9.9")).StatusCode);
        // The API's queue (the same code as the page) is unchanged: both versions, the overdue one flagged, the risk score.
        var queue = (await client.GetFromJsonAsync<JsonElement>("/api/review/queue")).EnumerateArray().ToList();
        Assert.Equal(["2.0.0", "1.1.0"], queue.Select(q => q.GetProperty("version").GetString()!));
        Assert.True(queue[0].GetProperty("overdue").GetBoolean());
        Assert.Equal(25, queue[1].GetProperty("riskScore").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/console/review/apps/no-such-app/audit")).StatusCode);
    }
}
