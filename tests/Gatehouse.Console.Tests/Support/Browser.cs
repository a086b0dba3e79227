using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Gatehouse.Server.Tests.Support;
using Microsoft.Playwright;

namespace Gatehouse.Console.Tests.Support;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, which test.sh installs) driven by Playwright, headless, against a
/// real Gatehouse on a Kestrel socket at 127.0.0.1. One browser per test class is enough; each test gets fresh
/// contexts (cookie jars). Screenshots go to <c>{test output}/screenshots/</c> and are kept.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";
    private readonly IPlaywright _playwright;

    public IBrowser Chromium { get; }

    private Browser(IPlaywright playwright, IBrowser chromium)
    {
        _playwright = playwright;
        Chromium = chromium;
    }

    public static async Task<Browser> LaunchAsync()
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} is missing: the browser tests need Debian's chromium (./test.sh installs it as root).");
        var playwright = await Playwright.CreateAsync();
        var chromium = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            // The machine has no network: keep Chromium from trying (each refused connection costs time).
            Args = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return new Browser(playwright, chromium);
    }

    /// <summary>A fresh context (own cookies) on <paramref name="app"/>'s address.</summary>
    public async Task<IPage> PageAsync(GatehouseApp app)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.KestrelAddress, Locale = "en-GB" });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the login form.</summary>
    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    /// <summary>Runs axe on the page; fails on any serious or critical violation, naming rule and nodes.</summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"axe on {page.Url}:\n" + string.Join("\n", bad.Select(v =>
            $"- {v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}")));
    }

    /// <summary>Keeps a full-page screenshot as test output.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + ".png"), FullPage = true });
    }

    /// <summary>Axe, then a screenshot: what every page visit in these tests does.</summary>
    public static async Task CheckAsync(IPage page, string name)
    {
        await ScreenshotAsync(page, name);
        await AssertAccessibleAsync(page);
    }

    public async ValueTask DisposeAsync()
    {
        await Chromium.DisposeAsync();
        _playwright.Dispose();
    }
}
