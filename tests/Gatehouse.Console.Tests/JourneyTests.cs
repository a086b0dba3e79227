using System.IO.Compression;
using System.Security.Cryptography;
using Gatehouse.Analysis.Questionnaires;
using Gatehouse.Console.Tests.Support;
using Gatehouse.Server.Agreements;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.OAuth;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Gatehouse.Console.Tests;

/// <summary>
/// The whole gate in one browser journey, each person in their own browser context: a vendor onboards and
/// submits, a reviewer (with two-factor sign-in) asks for changes, the vendor resubmits, the reviewer approves,
/// the vendor publishes, and a customer's tenant admin installs the app and downloads the file, whose digest
/// matches what was uploaded. Real scans (clamd from ./test.sh), axe and a screenshot on every page.
/// </summary>
public sealed class JourneyTests
{
    private const string Password = "a-long-enough-password";

    private static byte[] Zip(string version)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var w = new StreamWriter(zip.CreateEntry("acme-notes/README.txt").Open());
            w.Write($"Acme Notes {version}: keeps your meeting notes in one place.\n");
        }
        return ms.ToArray();
    }

    private static async Task<string> StateAsync(GatehouseApp app, string slug) =>
        await app.WithScopeAsync(sp => (from v in sp.GetRequiredService<GatehouseDb>().AppVersions
                                        join a in sp.GetRequiredService<GatehouseDb>().Apps on v.AppId equals a.Id
                                        where a.Slug == slug select v.State).SingleAsync());

    private static async Task WaitForReviewAsync(GatehouseApp app, string slug)
    {
        for (var i = 0; i < 1200; i++)
        {
            if (await StateAsync(app, slug) == VersionStates.InReview) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"{slug} did not reach review within two minutes (state {await StateAsync(app, slug)})");
    }

    /// <summary>Uploads through the progress bar, answers every question with its safe option, attests and submits.</summary>
    private static async Task PrepareAndSubmitAsync(IPage page, byte[] artifact, bool answer)
    {
        await page.Locator("#artifact-file").SetInputFilesAsync(new FilePayload { Name = "acme-notes.zip", MimeType = "application/zip", Buffer = artifact });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload the artifact" }).ClickAsync();
        await page.WaitForFunctionAsync("() => { const p = document.getElementById('upload-progress'); return p.value === p.max; }");
        await Assertions.Expect(page.Locator("#upload-status")).ToContainTextAsync("sha256:" + Convert.ToHexStringLower(SHA256.HashData(artifact)));
        await page.ReloadAsync();
        if (answer)
        {
            foreach (var item in QuestionnaireSet.LoadEmbedded().Get("downloadable").Items)
            {
                if (item.Kind == QuestionKind.Text) await page.Locator($"[id='answer-{item.Id}']").FillAsync("Reviewed by our security team every release.");
                else await page.Locator($"[id='answer-{item.Id}-{item.Options.First(o => o.Score == QuestionScore.Info).Value}']").CheckAsync();
            }
            await page.GetByRole(AriaRole.Button, new() { Name = "Save the answers" }).ClickAsync();
            await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("scores info");
        }
        await page.GetByLabel("Your full name and role").FillAsync("Dana Smith, CISO");
        await page.GetByLabel("I attest to the statement above on behalf of Acme Ltd").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Attest" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("attested");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit version 1.0.0 for review" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("is submitted");
    }

    [Fact]
    public async Task Vendor_submits_reviewer_requests_changes_vendor_resubmits_reviewer_approves_customer_downloads()
    {
        await using var app = await GatehouseApp.StartKestrelAsync(DbKind.Sqlite, new Dictionary<string, string?>
        {
            ["Scanning:ClamdEndpoint"] = Environment.GetEnvironmentVariable("GATEHOUSE_TEST_CLAMD")
                ?? throw new InvalidOperationException("GATEHOUSE_TEST_CLAMD is not set; ./test.sh starts clamd and sets it."),
        });
        await using var browser = await Browser.LaunchAsync();
        var dev = await app.CreateUserAsync(Roles.Developer, "vendor", Password);
        await app.CreateOrganizationAsync(dev.Id, "Acme Ltd");
        var reviewer = await app.CreateUserAsync(Roles.Reviewer, "reviewer", Password);
        var customer = await app.CreateUserAsync(Roles.Developer, "customer", Password);
        var tenant = await OAuthWorld.CreateTenantAsync(app, "Globex Corporation", customer.Id);
        await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            const string text = "1. You keep your users' data safe.\n2. You report security incidents within 72 hours.";
            db.Agreements.Add(new DeveloperAgreement
            {
                Version = 1, Title = "Developer agreement", Text = text, Sha256 = DeveloperAgreements.HashOf(text),
                PublishedAt = sp.GetRequiredService<TimeProvider>().GetUtcNow(), PublishedBy = "test",
            });
            await db.SaveChangesAsync();
        });

        // 1. The vendor onboards and submits version 1.0.0.
        var vendor = await browser.PageAsync(app);
        await Browser.SignInAsync(app, vendor, dev.Email!, Password);
        await vendor.GotoAsync("/console/vendor");
        await vendor.GetByRole(AriaRole.Button, new() { Name = "Accept version 1 for Acme Ltd" }).ClickAsync();
        await Assertions.Expect(vendor.Locator(".flash")).ToContainTextAsync("is accepted");
        await vendor.GetByRole(AriaRole.Link, new() { Name = "Register an app for Acme Ltd" }).First.ClickAsync();
        // Wait for the form's page: filling before the navigation lands would fill the old page.
        await Browser.ArriveAsync(vendor, "**/apps/new");
        var slug = $"acme-notes-{Guid.NewGuid():N}"[..20];
        await vendor.GetByLabel("Name", new() { Exact = true }).FillAsync("Acme Notes");
        await vendor.GetByLabel("Slug").FillAsync(slug);
        await vendor.GetByLabel("Type").SelectOptionAsync("downloadable");
        await vendor.GetByRole(AriaRole.Button, new() { Name = "Register the app" }).ClickAsync();
        await Browser.ArriveAsync(vendor, $"**/console/vendor/apps/{slug}");
        await vendor.GetByRole(AriaRole.Link, new() { Name = "Create a version of Acme Notes" }).ClickAsync();
        await Browser.ArriveAsync(vendor, "**/versions/new");
        await vendor.GetByLabel("Version").FillAsync("1.0.0");
        await vendor.GetByRole(AriaRole.Button, new() { Name = "Create the version" }).ClickAsync();
        await Browser.ArriveAsync(vendor, $"**/console/vendor/apps/{slug}/versions/1.0.0");
        await PrepareAndSubmitAsync(vendor, Zip("1.0.0-rc"), answer: true);
        await WaitForReviewAsync(app, slug);

        // 2. The reviewer (password and TOTP) finds it in the queue and asks for changes.
        var review = await browser.PageAsync(app);
        await Browser.SignInAsync(app, review, reviewer.Email!, Password);
        await review.GotoAsync("/console/review");
        await review.GetByRole(AriaRole.Link, new() { Name = "Acme Notes 1.0.0" }).ClickAsync();
        await Browser.ArriveAsync(review, $"**/console/review/apps/{slug}/versions/1.0.0");
        await Browser.CheckAsync(review, "journey-review-submission");
        await review.Locator("[id='reason-review.functional-failure']").CheckAsync();
        await review.GetByLabel("What must change, or why it is rejected (required)").FillAsync("The release candidate is not the build you describe: ship the final build.");
        await review.GetByRole(AriaRole.Button, new() { Name = "Request changes" }).ClickAsync();
        await Assertions.Expect(review.Locator(".flash")).ToBeVisibleAsync();
        Assert.Equal(VersionStates.ChangesRequested, await StateAsync(app, slug));

        // 3. The vendor sees the request, uploads the final build and resubmits (a new artifact needs a new attestation).
        await vendor.ReloadAsync();
        await Assertions.Expect(vendor.Locator("main")).ToContainTextAsync("ship the final build");
        await Browser.CheckAsync(vendor, "journey-vendor-changes-requested");
        var final = Zip("1.0.0");
        await PrepareAndSubmitAsync(vendor, final, answer: false);
        await WaitForReviewAsync(app, slug);

        // 4. The reviewer approves; the vendor publishes.
        await review.ReloadAsync();
        await review.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).ClickAsync();
        await Assertions.Expect(review.Locator(".flash")).ToBeVisibleAsync();
        Assert.Equal(VersionStates.Approved, await StateAsync(app, slug));
        await vendor.ReloadAsync();
        await vendor.GetByRole(AriaRole.Button, new() { Name = "Publish version 1.0.0" }).ClickAsync();
        await Assertions.Expect(vendor.Locator(".flash")).ToContainTextAsync("is published");
        Assert.Equal(VersionStates.Published, await StateAsync(app, slug));

        // 5. The customer's tenant admin installs the app and downloads the file; it is the final build, byte for byte.
        var shop = await browser.PageAsync(app);
        await Browser.SignInAsync(app, shop, customer.Email!, Password);
        await shop.GotoAsync("/console/customer");
        await Browser.CheckAsync(shop, "journey-customer-catalogue");
        await shop.GetByRole(AriaRole.Button, new() { Name = "Install Acme Notes in Globex Corporation" }).ClickAsync();
        await Assertions.Expect(shop.Locator(".flash")).ToContainTextAsync("installed");
        await shop.GetByRole(AriaRole.Button, new() { Name = "Get a download link for Acme Notes 1.0.0" }).ClickAsync();
        await Browser.CheckAsync(shop, "journey-customer-download-link");
        var download = await shop.RunAndWaitForDownloadAsync(() => shop.GetByRole(AriaRole.Link, new() { Name = "Download acme-notes.zip" }).ClickAsync());
        var saved = Path.Combine(Path.GetTempPath(), "journey-" + Guid.NewGuid().ToString("N") + ".zip");
        await download.SaveAsAsync(saved);
        try
        {
            Assert.Equal(SHA256.HashData(final), SHA256.HashData(await File.ReadAllBytesAsync(saved)));
        }
        finally
        {
            File.Delete(saved);
        }
        Assert.Equal(1, await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Set<Gatehouse.Server.Downloads.DownloadRecord>()
            .CountAsync(d => d.TenantId == tenant && d.Offset == 0)));
    }
}
