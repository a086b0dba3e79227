using Gatehouse.Console.Tests.Support;
using Gatehouse.Server.Tests.Support;
using Microsoft.Playwright;

namespace Gatehouse.Console.Tests;

/// <summary>The console in a real browser: sign-in, the start page, the public guidelines; axe on each.</summary>
public sealed class ConsoleSmokeTests
{
    [Fact]
    public async Task An_admin_signs_in_and_sees_every_area_and_the_pages_pass_axe()
    {
        await using var app = await GatehouseApp.StartKestrelAsync(DbKind.Sqlite);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.PageAsync(app);

        await page.GotoAsync("/guidelines");
        await Browser.CheckAsync(page, "public-guidelines");

        await page.GotoAsync("/account/login");
        await Browser.CheckAsync(page, "login");
        await Browser.SignInAsync(app, page, GatehouseApp.AdminEmail, GatehouseApp.AdminPassword); // with the TOTP step (staff)
        Assert.EndsWith("/account/", page.Url, StringComparison.Ordinal);

        await page.GotoAsync("/console");
        Assert.Equal("Console · Gatehouse", await page.TitleAsync());
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Open the review queue" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Open administration" })).ToBeVisibleAsync();
        await Browser.CheckAsync(page, "console-home-admin");

        // No inline script or style anywhere: the CSP forbids it and the page still works.
        var csp = (await page.Context.APIRequest.GetAsync("/console")).Headers["content-security-policy"];
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
    }
}
