using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using Gatehouse.Analysis.Questionnaires;
using Gatehouse.Console.Tests.Support;
using Gatehouse.Server.Agreements;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Gatehouse.Console.Tests.Vendor;

/// <summary>The vendor portal in a real browser: onboarding, an app's first version to submission, findings, keys.</summary>
public sealed class VendorPortalTests
{
    private const string Password = "a-long-enough-password";

    /// <summary>The scan engines: clamd when the test run has one (./test.sh starts it); without it the scan ends incomplete.</summary>
    private static Dictionary<string, string?> Engines() =>
        Environment.GetEnvironmentVariable("GATEHOUSE_TEST_CLAMD") is { Length: > 0 } clamd ? new() { ["Scanning:ClamdEndpoint"] = clamd } : [];

    private static Task<DeveloperAgreement> PublishAgreementAsync(GatehouseApp app) =>
        app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            const string text = "1. You keep your users' data safe.\n2. You tell us about security incidents within 72 hours.";
            var a = new DeveloperAgreement
            {
                Version = 1, Title = "Developer agreement", Text = text, Sha256 = DeveloperAgreements.HashOf(text),
                PublishedAt = sp.GetRequiredService<TimeProvider>().GetUtcNow(), PublishedBy = "test",
            };
            db.Agreements.Add(a);
            await db.SaveChangesAsync();
            return a;
        });

    private static byte[] Zip()
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            var readme = zip.CreateEntry("acme/README.txt");
            using (var w = new StreamWriter(readme.Open())) w.Write("Acme Sync: synchronises your projects.\n");
            // A credential in the configuration: a finding to ask a suppression for.
            var config = zip.CreateEntry("acme/config.ini");
            using (var w = new StreamWriter(config.Open())) w.Write("[db]\nhost = db.internal\npassword = \"Tr0ub4dor-and-3-horses-Prod\"\n");
        }
        return ms.ToArray();
    }

    [Fact]
    public async Task A_vendor_accepts_the_agreement_registers_an_app_uploads_answers_attests_submits_and_requests_a_suppression()
    {
        await using var app = await GatehouseApp.StartKestrelAsync(DbKind.Sqlite, Engines());
        await using var browser = await Browser.LaunchAsync();
        var dev = await app.CreateUserAsync(Roles.Developer, "vendor", Password);
        var org = await app.CreateOrganizationAsync(dev.Id, "Acme Ltd");
        var agreement = await PublishAgreementAsync(app);
        var page = await browser.PageAsync(app);
        await Browser.SignInAsync(page, dev.Email!, Password);

        // The checklist: the agreement is to do; accept it with the text shown.
        await page.GotoAsync("/console/vendor");
        await Assertions.Expect(page.Locator(".checklist li.todo").First).ToContainTextAsync("Accept version 1 of the developer agreement");
        await Assertions.Expect(page.Locator(".agreement-text")).ToContainTextAsync("security incidents within 72 hours");
        await Browser.CheckAsync(page, "vendor-home-todo");
        await page.GetByRole(AriaRole.Button, new() { Name = "Accept version 1 for Acme Ltd" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("is accepted");
        await Assertions.Expect(page.Locator(".checklist li.done").First).ToContainTextAsync("Developer agreement version 1 accepted");
        Assert.True(await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AgreementAcceptances
            .AnyAsync(a => a.OrganizationId == org.Id && a.AgreementVersion == 1 && a.TextSha256 == agreement.Sha256)));
        await Browser.CheckAsync(page, "vendor-home-accepted");

        // Register a downloadable app.
        await page.GetByRole(AriaRole.Link, new() { Name = "Register an app for Acme Ltd" }).First.ClickAsync();
        await Browser.ArriveAsync(page, "**/apps/new"); // the form's page, before anything is filled in
        await Browser.CheckAsync(page, "vendor-new-app");
        var slug = $"acme-sync-{Guid.NewGuid():N}"[..20];
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Acme Sync");
        await page.GetByLabel("Slug").FillAsync(slug);
        await page.GetByLabel("Type").SelectOptionAsync("downloadable");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register the app" }).ClickAsync();
        await Browser.ArriveAsync(page, $"**/console/vendor/apps/{slug}");
        await Browser.CheckAsync(page, "vendor-app");

        // Create a version.
        await page.GetByRole(AriaRole.Link, new() { Name = "Create a version of Acme Sync" }).ClickAsync();
        await Browser.ArriveAsync(page, "**/versions/new");
        await Browser.CheckAsync(page, "vendor-new-version");
        await page.GetByLabel("Version").FillAsync("1.0.0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the version" }).ClickAsync();
        await Browser.ArriveAsync(page, $"**/console/vendor/apps/{slug}/versions/1.0.0");
        await Browser.CheckAsync(page, "vendor-version-draft");

        // Upload with the progress bar: it reaches its max and the page shows the digest.
        var zip = Zip();
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(zip));
        await page.Locator("#artifact-file").SetInputFilesAsync(new FilePayload { Name = "acme-sync.zip", MimeType = "application/zip", Buffer = zip });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload the artifact" }).ClickAsync();
        await page.WaitForFunctionAsync("() => { const p = document.getElementById('upload-progress'); return p.value === p.max; }");
        await Assertions.Expect(page.Locator("#upload-status")).ToContainTextAsync(digest);
        await Assertions.Expect(page.Locator("[data-artifact-digest]")).ToHaveTextAsync(digest);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#artifact-facts")).ToContainTextAsync(digest);

        // Answer the questionnaire generated from the app type's questions (every answer that scores info).
        foreach (var item in QuestionnaireSet.LoadEmbedded().Get("downloadable").Items)
        {
            if (item.Kind == QuestionKind.Text) await page.Locator($"[id='answer-{item.Id}']").FillAsync("We rotate credentials quarterly and on every staff change.");
            else await page.Locator($"[id='answer-{item.Id}-{item.Options.First(o => o.Score == QuestionScore.Info).Value}']").CheckAsync();
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the answers" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("the questionnaire scores info");

        // Submitting before attesting shows every guard that fails.
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit version 1.0.0 for review" }).ClickAsync();
        await Assertions.Expect(page.Locator(".error")).ToContainTextAsync("attestation.missing");
        await Browser.CheckAsync(page, "vendor-version-guards");

        // Attest, then submit.
        await Assertions.Expect(page.Locator(".statement")).ToContainTextAsync("on behalf of Acme Ltd");
        await page.GetByLabel("Your full name and role").FillAsync("Dana Smith, CISO");
        await page.GetByLabel("I attest to the statement above on behalf of Acme Ltd").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Attest" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("attested");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit version 1.0.0 for review" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("is submitted");
        var state = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AppVersions.Where(v => v.Version == "1.0.0").Select(v => v.State).FirstAsync());
        Assert.NotEqual(VersionStates.Draft, state);

        // The worker scans; with or without clamd the scan ends (pass/reject or incomplete) and its findings are stored.
        for (var i = 0; i < 600; i++)
        {
            var done = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AppVersions.Where(v => v.Version == "1.0.0")
                .Join(sp.GetRequiredService<GatehouseDb>().Scans, v => v.CurrentScanId, s => s.Id, (v, s) => s.Verdict).AnyAsync(x => x != null));
            if (done) break;
            await Task.Delay(100);
        }
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("section.requirement").First).ToBeVisibleAsync();
        await Browser.CheckAsync(page, "vendor-version-findings");

        // Request a suppression of the first finding; the page shows it as requested.
        var form = page.Locator("form.suppress").First;
        await form.Locator("textarea").FillAsync("The value is a placeholder replaced at install time by the customer's own secret.");
        await form.GetByRole(AriaRole.Button, new() { Name = "Request suppression" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("suppression is requested");
        await Assertions.Expect(page.Locator("#suppressions-h + table")).ToContainTextAsync("requested");
        Assert.Equal(SuppressionStates.Requested, await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Suppressions.Select(s => s.State).SingleAsync()));
        await Browser.CheckAsync(page, "vendor-version-suppression");
    }

    [Fact]
    public async Task A_web_integration_registers_its_OAuth_client_sees_the_secret_once_and_creates_an_API_key()
    {
        await using var app = await GatehouseApp.StartKestrelAsync(DbKind.Sqlite);
        await using var browser = await Browser.LaunchAsync();
        var dev = await app.CreateUserAsync(Roles.Developer, "web", Password);
        var org = await app.CreateOrganizationAsync(dev.Id, "Webco");
        var slug = $"webco-{Guid.NewGuid():N}"[..16];
        // An approved version (the review itself is tested elsewhere): what the OAuth client needs.
        await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var a = new App { Id = Guid.NewGuid(), OrganizationId = org.Id, Slug = slug, Name = "Webco Boards", Type = AppTypes.WebIntegration, Tier = "standard",
                BaseUrl = "https://boards.webco.example", CreatedBy = dev.Id, CreatedAt = now };
            db.Apps.Add(a);
            db.AppVersions.Add(new AppVersion { Id = Guid.NewGuid(), AppId = a.Id, OrganizationId = org.Id, Version = "2.0.0", State = VersionStates.Approved,
                Reference = a.BaseUrl, CreatedBy = dev.Id, CreatedAt = now, UpdatedAt = now });
            await db.SaveChangesAsync();
        });
        var page = await browser.PageAsync(app);
        await Browser.SignInAsync(page, dev.Email!, Password);

        await page.GotoAsync("/console/vendor");
        await Assertions.Expect(page.Locator(".checklist")).ToContainTextAsync("Give the web integration Webco Boards an OAuth client or API keys");
        await page.GetByRole(AriaRole.Link, new() { Name = "keys of Webco Boards" }).First.ClickAsync();
        await Browser.ArriveAsync(page, $"**/console/vendor/apps/{slug}/keys");
        await Browser.CheckAsync(page, "vendor-keys-empty");

        await page.GetByLabel("Redirect URIs (one a line, exact)").FillAsync("https://boards.webco.example/oauth/callback");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register the OAuth client" }).ClickAsync();
        var secret = await page.Locator("#client-secret").TextContentAsync();
        Assert.StartsWith("ghs_", secret);
        await Browser.CheckAsync(page, "vendor-keys-secret");
        await page.GotoAsync($"/console/vendor/apps/{slug}/keys"); // shown once: not on the next visit
        Assert.DoesNotContain(secret!, await page.ContentAsync(), StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync(slug);

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("CI sync");
        await page.GetByLabel("projects.read").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the API key" }).ClickAsync();
        var key = await page.Locator("#api-key").TextContentAsync();
        Assert.False(string.IsNullOrWhiteSpace(key));
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revoke CI sync" })).ToBeVisibleAsync();
        Assert.Equal("CI sync", await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().ApiKeys.Select(k => k.Name).SingleAsync()));
        await Browser.CheckAsync(page, "vendor-keys-created");

        await page.GotoAsync("/console/vendor");
        await Assertions.Expect(page.Locator(".checklist li.done").Last).ToContainTextAsync("Webco Boards has an OAuth client");
        await page.GetByRole(AriaRole.Link, new() { Name = "Run the security check in your CI" }).ClickAsync();
        await Assertions.Expect(page.Locator("pre").Filter(new() { HasText = "--format sarif" }).First).ToBeVisibleAsync();
        await Browser.CheckAsync(page, "vendor-ci");
    }

    [Fact]
    public async Task Another_organisations_developer_gets_404_on_the_app_pages_and_names_come_out_encoded()
    {
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite);
        var devA = await app.CreateUserAsync(Roles.Developer, "a", Password);
        var devB = await app.CreateUserAsync(Roles.Developer, "b", Password);
        var orgA = await app.CreateOrganizationAsync(devA.Id, "Org A");
        await app.CreateOrganizationAsync(devB.Id, "Org B");
        const string evil = "<script>alert(1)</script>";
        await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var a = new App { Id = Guid.NewGuid(), OrganizationId = orgA.Id, Slug = "secret-app-a", Name = evil, Type = AppTypes.Downloadable, Tier = "standard",
                CreatedBy = devA.Id, CreatedAt = now };
            db.Apps.Add(a);
            db.AppVersions.Add(new AppVersion { Id = Guid.NewGuid(), AppId = a.Id, OrganizationId = orgA.Id, Version = "1.0.0", State = VersionStates.Draft,
                CreatedBy = devA.Id, CreatedAt = now, UpdatedAt = now });
            await db.SaveChangesAsync();
        });
        var pages = new[]
        {
            "/console/vendor/apps/secret-app-a", "/console/vendor/apps/secret-app-a/versions/new", "/console/vendor/apps/secret-app-a/versions/1.0.0",
            "/console/vendor/apps/secret-app-a/keys", $"/console/vendor/orgs/{orgA.Id}/apps/new",
        };

        using var a = FormLogin.CookieClient(app);
        Assert.Equal(HttpStatusCode.Redirect, (await FormLogin.PostLoginAsync(a, devA.Email!, Password)).StatusCode);
        foreach (var p in pages)
        {
            var html = await a.GetStringAsync(p);
            Assert.DoesNotContain(evil, html, StringComparison.Ordinal);
        }
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", await a.GetStringAsync("/console/vendor/apps/secret-app-a"), StringComparison.Ordinal);

        using var b = FormLogin.CookieClient(app);
        Assert.Equal(HttpStatusCode.Redirect, (await FormLogin.PostLoginAsync(b, devB.Email!, Password)).StatusCode);
        foreach (var p in pages)
        {
            var r = await b.GetAsync(p);
            Assert.True(r.StatusCode == HttpStatusCode.NotFound, $"{p}: {r.StatusCode}");
            Assert.DoesNotContain("secret-app-a", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        // A form post of B at A's version is refused the same way and changes nothing.
        var token = await FormLogin.FormTokenAsync(b, "/console/vendor");
        var post = await b.PostAsync("/console/vendor/apps/secret-app-a/versions/1.0.0?handler=Attest", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["attestName"] = "B", ["accept"] = "true",
        }));
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Null(await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AppVersions.Select(v => v.AttestationName).SingleAsync()));
    }
}
