using Gatehouse.Console.Tests.Support;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Gatehouse.Console.Tests.Security;

/// <summary>The console's own protection in a real browser: staff two-factor enrolment and sign-in, and no inline script or style anywhere.</summary>
public sealed class ConsoleSecurityTests
{
    private const string Password = "correct horse battery";

    // Anything the CSP (no 'unsafe-inline') would block, or that a later CSP change could let through. Scanned before
    // axe runs: axe leaves empty style="" attributes behind.
    private const string InlineScan = """
        () => Array.from(document.querySelectorAll('*')).filter(e =>
            e.tagName === 'STYLE'
            || (e.tagName === 'SCRIPT' && !e.hasAttribute('src'))
            || (e.getAttribute('style') || '').trim() !== ''
            || Array.from(e.attributes).some(a => a.name.toLowerCase().startsWith('on'))
            || ((e.getAttribute('href') || e.getAttribute('action') || e.getAttribute('formaction') || '').trim().toLowerCase().startsWith('javascript:'))
        ).map(e => e.outerHTML.slice(0, 160))
        """;

    private static async Task AssertNoInlineAsync(IPage page)
    {
        var found = await page.EvaluateAsync<string[]>(InlineScan);
        Assert.True(found.Length == 0, $"inline script/style on {page.Url}:\n" + string.Join("\n", found));
    }

    private static async Task PasswordOnlyAsync(IPage page, string email)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await Browser.SubmitAsync(page, "Sign in");
    }

    [Fact]
    public async Task A_reviewer_enrols_with_the_setup_page_signs_out_and_signs_in_again_with_password_and_code()
    {
        await using var app = await GatehouseApp.StartKestrelAsync(DbKind.Sqlite);
        await using var browser = await Browser.LaunchAsync();
        var reviewer = await app.CreateUserAsync(Roles.Reviewer, "rev", Password);
        var page = await browser.PageAsync(app);

        // Password only: the console sends a reviewer to set up a second factor first.
        await PasswordOnlyAsync(page, reviewer.Email!);
        await page.GotoAsync("/console");
        Assert.Equal("/account/2fa/setup", new Uri(page.Url).AbsolutePath);
        await AssertNoInlineAsync(page);
        await Browser.CheckAsync(page, "2fa-setup");
        var key = (await page.Locator("#shared-key").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        Assert.Contains("secret=" + key, await page.Locator("#authenticator-uri").InnerTextAsync(), StringComparison.Ordinal);

        await page.GetByLabel("6-digit code from the app").FillAsync(Totp.WrongCode(key));
        await Browser.SubmitAsync(page, "Turn on two-factor authentication");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not accepted");
        await Browser.CheckAsync(page, "2fa-setup-wrong-code");

        await page.GetByLabel("6-digit code from the app").FillAsync(Totp.Code(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor authentication" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Recovery codes" })).ToBeVisibleAsync();
        Assert.Equal(10, await page.Locator("#recovery-codes li").CountAsync());
        await AssertNoInlineAsync(page);
        await Browser.CheckAsync(page, "2fa-recovery-codes");
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();
        await page.WaitForURLAsync(u => new Uri(u).AbsolutePath == "/console");
        Assert.Equal("Console · Gatehouse", await page.TitleAsync());
        Assert.True(await app.WithScopeAsync(async sp =>
            (await sp.GetRequiredService<UserManager<GatehouseUser>>().FindByIdAsync(reviewer.Id))!.TwoFactorEnabled));

        // Sign out; the password alone now leads to the second step.
        await page.GotoAsync("/account/");
        await Browser.SubmitAsync(page, "Sign out");
        await PasswordOnlyAsync(page, reviewer.Email!);
        Assert.Equal("/account/2fa", new Uri(page.Url).AbsolutePath);
        await AssertNoInlineAsync(page);
        await Browser.CheckAsync(page, "2fa-code");
        // A code works once: the one that confirmed the setup is spent, so the next step's code (as a person would wait for).
        await page.GetByLabel("Authentication code or recovery code").FillAsync(Totp.Code(key, TimeProvider.System.GetUtcNow().AddSeconds(30)));
        await Browser.SubmitAsync(page, "Verify");
        Assert.Equal("/account/", new Uri(page.Url).AbsolutePath);
        await page.GotoAsync("/console");
        Assert.Equal("/console", new Uri(page.Url).AbsolutePath);
        await Browser.CheckAsync(page, "console-reviewer-after-2fa");
    }

    [Fact]
    public async Task No_console_page_has_inline_script_style_or_event_handlers()
    {
        await using var app = await GatehouseApp.StartKestrelAsync(DbKind.Sqlite, new Dictionary<string, string?> { ["Gatehouse:Demo"] = "true" });
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.PageAsync(app);
        var cspErrors = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) cspErrors.Add(m.Text); };

        foreach (var path in new[] { "/account/login", "/guidelines" })
        {
            await page.GotoAsync(path);
            await AssertNoInlineAsync(page);
        }
        await Browser.SignInAsync(app, page, GatehouseApp.AdminEmail, GatehouseApp.AdminPassword); // enrols the admin, enters the code
        Assert.Equal("/account/", new Uri(page.Url).AbsolutePath);

        // Every console page the admin can reach by links, from the start page (bounded).
        var queue = new Queue<string>(["/console", "/account/", "/account/2fa/setup"]);
        var seen = new HashSet<string>(queue, StringComparer.Ordinal);
        var visited = new List<string>();
        while (queue.Count > 0 && visited.Count < 60)
        {
            var path = queue.Dequeue();
            IResponse? response;
            try { response = await page.GotoAsync(path); }
            catch (PlaywrightException) { continue; } // a download link, not a page
            visited.Add(path);
            Assert.True(response is null || response.Status < 500, $"{path} answered {response?.Status}");
            await AssertNoInlineAsync(page);
            var links = await page.EvaluateAsync<string[]>("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))");
            foreach (var href in links)
            {
                if (!href.StartsWith("/console", StringComparison.Ordinal) || href.Contains("download", StringComparison.OrdinalIgnoreCase)) continue;
                var clean = href.Split('#')[0];
                if (seen.Add(clean)) queue.Enqueue(clean);
            }
        }
        Assert.Contains("/console", visited);
        Assert.Empty(cspErrors);
    }
}
