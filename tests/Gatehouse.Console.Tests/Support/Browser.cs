using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Gatehouse.Server.Tests.Support;
using Microsoft.Playwright;

namespace Gatehouse.Console.Tests.Support;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, which test.sh installs) driven by Playwright, headless, against a
/// real Gatehouse on a Kestrel socket at 127.0.0.1. One Chromium serves the whole test process: each test's
/// <see cref="LaunchAsync"/> gets a handle on it, every page comes in a fresh context (own cookie jar), and disposing
/// the handle closes that test's contexts. (A Chromium per test class cost a launch and its helper processes per
/// test, on 2 shared cores.) Screenshots go to <c>{test output}/screenshots/</c> and are kept.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";
    private static readonly SemaphoreSlim Launching = new(1, 1);
    private static (IPlaywright Playwright, IBrowser Chromium)? _shared;
    private readonly List<IBrowserContext> _contexts = [];

    public IBrowser Chromium { get; }

    private Browser(IBrowser chromium) => Chromium = chromium;

    /// <summary>A handle on the process's Chromium (launched by the first caller, again if it went away).</summary>
    public static async Task<Browser> LaunchAsync()
    {
        Assertions.SetDefaultExpectTimeout(30_000);
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} is missing: the browser tests need Debian's chromium (./test.sh installs it as root).");
        await Launching.WaitAsync();
        try
        {
            if (_shared is not { Chromium.IsConnected: true })
            {
                _shared?.Playwright.Dispose();
                var playwright = await Playwright.CreateAsync();
                var chromium = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
                {
                    ExecutablePath = Executable,
                    Headless = true,
                    // The machine has no network: keep Chromium from trying (each refused connection costs time).
                    Args = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
                });
                _shared = (playwright, chromium);
            }
            return new Browser(_shared.Value.Chromium);
        }
        finally
        {
            Launching.Release();
        }
    }

    // Which server a page belongs to, so that SignInAsync(page, ...) can complete staff two-factor sign-in.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, GatehouseApp> Apps = new();

    /// <summary>A fresh context (own cookies) on <paramref name="app"/>'s address.</summary>
    public async Task<IPage> PageAsync(GatehouseApp app)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.KestrelAddress, Locale = "en-GB" });
        lock (_contexts) _contexts.Add(context);
        // Generous: the suite shares 2 cores with the server tests, and a slow step is not a failure.
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        var page = await context.NewPageAsync();
        Apps.AddOrUpdate(page, app);
        return page;
    }

    /// <summary>
    /// Signs in through the login form. Staff (admin, reviewer) must use two-factor authentication: for a page from
    /// <see cref="PageAsync"/> this enrols them through the server's UserManager if needed and enters the current code.
    /// </summary>
    public static Task SignInAsync(IPage page, string email, string password) =>
        Apps.TryGetValue(page, out var app) ? SignInAsync(app, page, email, password) : PasswordStepAsync(page, email, password);

    /// <summary>Signs in with the password and, when the server asks for it (<c>/account/2fa</c>), the TOTP code.</summary>
    public static async Task SignInAsync(GatehouseApp app, IPage page, string email, string password)
    {
        var key = await app.TotpKeyForStaffAsync(email);
        await PasswordStepAsync(page, email, password);
        if (key is null || new Uri(page.Url).AbsolutePath != "/account/2fa") return;
        await page.GetByLabel("Authentication code or recovery code").FillAsync(await app.UnusedTotpCodeAsync(email, key));
        await SubmitAsync(page, "Verify");
    }

    private static async Task PasswordStepAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await SubmitAsync(page, "Sign in");
    }

    /// <summary>Clicks the submit button named <paramref name="button"/> and waits for the page the form leads to.</summary>
    public static async Task SubmitAsync(IPage page, string button)
    {
        var before = page.Url;
        await page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
        await WaitForDocumentAsync(page, u => u != before);
    }

    /// <summary>How long a page may take to arrive (Playwright's default timeout).</summary>
    private static readonly TimeSpan ArrivalTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Waits until the page's address satisfies <paramref name="arrived"/> and its document has loaded. Not
    /// <c>WaitForURLAsync</c>: it checks, then subscribes to the navigation and load events, and can miss one that arrives in
    /// between (Playwright .NET issue 3364; here a timeout after 60 s although the page was there and idle, a few times
    /// per hundred runs under load). The address is read again each round, and a load state that was missed is still
    /// recorded by the frame, so the next short wait finds it at once.
    /// </summary>
    private static async Task WaitForDocumentAsync(IPage page, Func<string, bool> arrived)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        while (true)
        {
            if (arrived(page.Url))
            {
                try
                {
                    await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded, new() { Timeout = 2_000 });
                    if (arrived(page.Url)) return;
                }
                catch (TimeoutException)
                {
                    // the state may have been recorded meanwhile: look again
                }
            }
            else
            {
                await Task.Delay(100);
            }
            if (TimeProvider.System.GetElapsedTime(deadline) > ArrivalTimeout)
                throw new TimeoutException($"the page did not arrive within {ArrivalTimeout.TotalSeconds:0} s; it is at {page.Url}");
        }
    }

    /// <summary>Playwright's URL glob: <c>**</c> any characters, <c>*</c> any but <c>/</c>, <c>?</c> one character.</summary>
    private static Func<string, bool> Glob(string glob)
    {
        var pattern = "^" + System.Text.RegularExpressions.Regex.Escape(glob)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", ".", StringComparison.Ordinal) + "$";
        var regex = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        return regex.IsMatch;
    }

    /// <summary>Runs axe on the page; fails on any serious or critical violation, naming rule and nodes.</summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        // Legacy mode runs axe.run in the page itself. The default mode runs axe per frame and then finishes in a new
        // blank page, where it injects axe again: two to four times the cost per check, for frames the console does not
        // have (asserted below, so a page that gains one is noticed). Deque marks legacy mode obsolete; the package is pinned.
#pragma warning disable CS0618
        var result = await page.RunAxeLegacy();
#pragma warning restore CS0618
        Assert.Empty(await page.Locator("iframe, frame").AllAsync());
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"axe on {page.Url}:\n" + string.Join("\n", bad.Select(v =>
            $"- {v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}")));
    }

    /// <summary>
    /// Waits for the page to reach <paramref name="urlGlob"/>; on a timeout, fails with where the page is instead and
    /// what it says (and keeps a screenshot), so a flaky step explains itself.
    /// </summary>
    public static async Task ArriveAsync(IPage page, string urlGlob)
    {
        try
        {
            await WaitForDocumentAsync(page, Glob(urlGlob));
        }
        catch (TimeoutException ex)
        {
            var text = await page.Locator("main").InnerTextAsync(new() { Timeout = 5_000 }).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : "(no main)");
            await ScreenshotAsync(page, "timeout-" + Guid.NewGuid().ToString("N")[..8]);
            throw new TimeoutException($"expected {urlGlob}, but the page is at {page.Url} and says:\n{(text.Length > 2000 ? text[..2000] : text)}", ex);
        }
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

    /// <summary>Closes this test's contexts (their pages with them); the process's Chromium stays for the next test.</summary>
    public async ValueTask DisposeAsync()
    {
        List<IBrowserContext> contexts;
        lock (_contexts) contexts = [.. _contexts];
        foreach (var context in contexts) await context.CloseAsync();
    }
}
