using System.Text;
using Gatehouse.Console.Tests.Support;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Gatehouse.Console.Tests.Vendor;

/// <summary>A vendor uploads a certification through the portal; it goes to the engine's file check, then to review.</summary>
public sealed class EvidencePageTests
{
    [Fact]
    public async Task A_vendor_uploads_evidence_from_the_checklist_and_sees_it_listed()
    {
        await using var app = await GatehouseApp.StartKestrelAsync(DbKind.Sqlite);
        await using var browser = await Browser.LaunchAsync();
        const string password = "a-long-enough-password";
        var dev = await app.CreateUserAsync(Roles.Developer, "vendor", password);
        var org = await app.CreateOrganizationAsync(dev.Id, "Initrode <b>GmbH</b>");
        var page = await browser.PageAsync(app);
        await Browser.SignInAsync(app, page, dev.Email!, password);

        await page.GotoAsync($"/console/vendor/orgs/{org.Id}/evidence");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Initrode <b>GmbH</b>"); // encoded, shown as text
        await Browser.CheckAsync(page, "vendor-evidence-empty");
        await page.GetByLabel("Type").SelectOptionAsync("iso27001");
        await page.GetByLabel("Issuer (certification body or tester)").FillAsync("Example Certification Ltd");
        await page.GetByLabel("Scope (what it covers)").FillAsync("Development and operation of Initrode apps");
        await page.GetByLabel("Valid from").FillAsync("2026-01-01");
        await page.GetByLabel("Valid until").FillAsync("2028-12-31");
        await page.GetByLabel("File").SetInputFilesAsync(new FilePayload
        {
            Name = "iso27001-certificate.pdf", MimeType = "application/pdf",
            Buffer = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"),
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload the evidence" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("evidence is uploaded");
        await Assertions.Expect(page.Locator("table")).ToContainTextAsync("Example Certification Ltd");
        await Browser.CheckAsync(page, "vendor-evidence-uploaded");

        var item = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().EvidenceItems.AsNoTracking().SingleAsync(e => e.OrganizationId == org.Id));
        Assert.Equal("iso27001", item.Type);
        Assert.Equal("iso27001-certificate.pdf", item.FileName);
        Assert.Equal(dev.Id, item.UploadedBy);
        Assert.NotNull(item.ScanId); // the engine checks the file before any reviewer sees it
    }
}
