using System.Net;
using System.Text;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Security;

/// <summary>
/// Cross-site request forgery, generated from the endpoint list so a new form or endpoint is covered without a new test:
/// every Razor page handler that accepts POST and every other state-changing endpoint, called with a valid console
/// session (an admin who signed in with the second factor, so authorization lets the request through) but with no
/// antiforgery token, with a made-up one and with another session's, is refused with 400 and changes nothing. And the
/// cookies are what docs/console.md says: HttpOnly, SameSite=Strict, Secure over HTTPS.
/// </summary>
public sealed class CsrfTests(SharedServers servers) : IClassFixture<SharedServers>
{
    /// <summary>State-changing endpoints a browser session cannot use at all, so there is nothing to forge; each says why.</summary>
    private static readonly Dictionary<string, string> NoSession = new(StringComparer.Ordinal)
    {
        ["POST /connect/token"] = "OAuth clients authenticate themselves; no cookie is read",
        ["POST /account/login"] = "signing in needs no session (its form token is checked: Identity/LoginTests)",
        ["POST /account/2fa"] = "the second sign-in step holds only Identity's two-factor cookie (its form token is checked: Identity/TwoFactorTests)",
        ["* /dl/{versionId:guid}/{digest}"] = "a signed download URL: 405 for every method but GET and HEAD",
    };

    /// <summary>Endpoints that answer a forged request with another refusal than 400; each says which and why.</summary>
    private static readonly Dictionary<string, (int[] Statuses, string Why)> OtherRefusal = new(StringComparer.Ordinal)
    {
        ["* /hangfire/{**path}"] = ([400, 403], "Hangfire's dashboard checks the same antiforgery token itself and answers 403"),
        ["POST /platform/v1/projects"] = ([401, 403], "the platform API takes API keys and OAuth tokens only: a session cookie is no credential there"),
        ["POST /platform/v1/projects/{projectId:guid}/issues"] = ([401, 403], "the platform API takes API keys and OAuth tokens only"),
        ["PATCH /platform/v1/issues/{issueId:guid}"] = ([401, 403], "the platform API takes API keys and OAuth tokens only"),
    };

    /// <summary>
    /// Console uploads stream the form, so they check membership from the route before reading it (and with it the
    /// token): a non-member (the admin session) gets the page with the refusal (200) and nothing is read or changed;
    /// the vendor session must meet the token check.
    /// </summary>
    private static readonly HashSet<string> RefusedWithThePage = new(StringComparer.Ordinal)
    {
        "POST /console/vendor/orgs/{orgId:guid}/evidence handler (default)",
        "POST /console/vendor/apps/{app}/versions/{version} handler Upload",
    };

    private sealed record Post(string Key, string Pattern, string Method, string? Handler, bool Form);

    private static List<Post> StateChangingCalls(GatehouseApp app)
    {
        var calls = ConsoleForms.Of(app).Select(f => new Post(f.Key, f.Pattern, "POST", f.Handler, Form: true)).ToList();
        foreach (var ep in app.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            if (ep.Metadata.GetMetadata<CompiledPageActionDescriptor>() is not null) continue; // the forms, above
            var pattern = "/" + ep.RoutePattern.RawText!.TrimStart('/');
            var form = pattern.StartsWith("/account", StringComparison.Ordinal) || pattern.StartsWith("/connect", StringComparison.Ordinal);
            var methods = ep.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods;
            if (methods is null) { calls.Add(new Post($"* {pattern}", pattern, "POST", null, form)); continue; }
            foreach (var m in methods.Where(m => m is not ("GET" or "HEAD" or "OPTIONS")))
                calls.Add(new Post($"{m} {pattern}", pattern, m, null, form));
        }
        return calls.DistinctBy(c => c.Key).ToList();
    }

    [Fact]
    public async Task Every_form_and_state_changing_endpoint_refuses_a_session_without_a_valid_antiforgery_token_and_changes_nothing()
    {
        var app = await servers.For(DbKind.Sqlite);
        // Two sessions: an admin who signed in with the second factor (past every policy), and a vendor with an
        // organisation, an app and a draft version of its own (past the routes that only members may post to).
        var admin = await app.CreateUserAsync(Roles.Admin, "csrf-admin");
        await app.EnrollTotpAsync(admin);
        var vendor = await app.CreateUserAsync(Roles.Developer, "csrf-vendor");
        var org = await app.CreateOrganizationAsync(vendor.Id);
        var slug = "csrf-" + Guid.NewGuid().ToString("N")[..8];
        await app.WithScopeAsync(async sp =>
        {
            var d = sp.GetRequiredService<GatehouseDb>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var a = new Gatehouse.Server.Apps.App
            {
                Id = Guid.NewGuid(), OrganizationId = org.Id, Slug = slug, Name = "CSRF app", Type = "downloadable", Tier = "standard", CreatedBy = vendor.Id, CreatedAt = now,
            };
            d.Apps.Add(a);
            d.AppVersions.Add(new Gatehouse.Server.Apps.AppVersion
            {
                Id = Guid.NewGuid(), AppId = a.Id, OrganizationId = org.Id, Version = "1.0.0", State = Gatehouse.Server.Apps.VersionStates.Draft,
                CreatedBy = vendor.Id, CreatedAt = now, UpdatedAt = now,
            });
            await d.SaveChangesAsync();
        });
        string Fill(string pattern) => System.Text.RegularExpressions.Regex.Replace(pattern, @"\{(\**)(\w+)(:[^}]*)?\??\}", m => m.Groups[2].Value switch
        {
            "orgId" => org.Id.ToString(),
            "app" => slug,
            "version" => "1.0.0",
            "documentName" => "v1",
            "path" => "recurring/trigger",
            _ => Guid.NewGuid().ToString(),
        });
        var sessions = new List<(string Who, HttpClient Client)>();
        foreach (var user in new[] { admin, vendor })
        {
            var session = Https(app, cookies: true);
            using var signedIn = await FormLogin.SignInAsync(app, session, user.Email!, "a-long-enough-password");
            Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect && signedIn.Headers.Location?.OriginalString.StartsWith("/account", StringComparison.Ordinal) == true,
                $"sign-in answered {(int)signedIn.StatusCode} {signedIn.Headers.Location}");
            sessions.Add((user == admin ? "admin" : "vendor", session));
        }
        // A valid token, but of another session: the token is bound to the user, so it must not pass either.
        var other = await app.CreateUserAsync(Roles.Developer, "csrf-other");
        using var otherSession = Https(app, cookies: true);
        (await FormLogin.SignInAsync(app, otherSession, other.Email!, "a-long-enough-password")).Dispose();
        var foreignToken = await FormLogin.FormTokenAsync(otherSession, "/account/");

        var calls = StateChangingCalls(app);
        Assert.Contains(calls, c => c.Handler is not null); // the walk sees Razor page handlers
        Assert.Contains(calls, c => c.Key == "POST /account/logout");
        Assert.Contains(calls, c => c.Key.StartsWith("POST /api/", StringComparison.Ordinal));
        var unknownExemptions = NoSession.Keys.Concat(OtherRefusal.Keys).Where(k => !calls.Any(c => c.Key == k)).ToList();
        Assert.True(unknownExemptions.Count == 0, "exemptions for routes that no longer exist: " + string.Join(", ", unknownExemptions));
        var before = await SecurityFootprint.OfAsync(app);

        var failures = new List<string>();
        foreach (var c in calls.Where(c => !NoSession.ContainsKey(c.Key)))
        {
            var expected = OtherRefusal.TryGetValue(c.Key, out var o) ? o.Statuses : [400];
            var byAntiforgery = false;
            foreach (var (who, session) in sessions)
            {
                // Every kind of bad token for the admin session; the vendor session needs only to meet the check once.
                var tokens = new (string, string?)[] { ("no token", null), ("a made-up token", "CfDJ8made-up-token"), ("another session's token", foreignToken) };
                foreach (var (what, token) in who == "admin" ? tokens : tokens[..1])
                {
                    var url = Fill(c.Pattern) + (c.Handler is null ? "" : "?handler=" + Uri.EscapeDataString(c.Handler));
                    using var request = new HttpRequestMessage(new HttpMethod(c.Method), url);
                    var fields = new Dictionary<string, string> { ["name"] = "forged", ["reason"] = "forged", ["text"] = "forged" };
                    if (token is not null)
                    {
                        fields["__RequestVerificationToken"] = token;
                        request.Headers.Add(AuthSetup.AntiforgeryHeader, token);
                    }
                    request.Content = c.Form ? new FormUrlEncodedContent(fields) : new StringContent("{}", Encoding.UTF8, "application/json");
                    using var response = await session.SendAsync(request);
                    var status = (int)response.StatusCode;
                    if (expected.Contains(status)) byAntiforgery = true;
                    // 403 and 404 are refusals too (a page this session may not see); at least one session must meet the token check.
                    else if (status is not (403 or 404) && !(status == 200 && who == "admin" && RefusedWithThePage.Contains(c.Key))) failures.Add($"{c.Key} as {who} with {what} answered {status}");
                }
            }
            if (!byAntiforgery) failures.Add($"{c.Key}: no session got as far as the antiforgery check (expected {string.Join(" or ", expected)})");
        }
        foreach (var (_, session) in sessions.Skip(1)) session.Dispose();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await SecurityFootprint.OfAsync(app));

        // The session still works with its own token, so the refusals above were about the token.
        var own = await FormLogin.FormTokenAsync(sessions[0].Client, "/account/");
        using var logout = await sessions[0].Client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = own }));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        sessions[0].Client.Dispose();
    }

    [Fact]
    public async Task The_session_and_antiforgery_cookies_are_http_only_same_site_strict_and_secure_over_https()
    {
        var app = await servers.For(DbKind.Sqlite);
        var dev = await app.CreateUserAsync(Roles.Developer, "csrf-cookies");
        using var client = Https(app, cookies: false);
        using var form = await client.GetAsync("/account/login");
        var antiforgery = SetCookie(form, "gatehouse.af");
        var html = await form.Content.ReadAsStringAsync();
        var token = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value);
        using var login = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["email"] = dev.Email!, ["password"] = "a-long-enough-password", ["__RequestVerificationToken"] = token,
            }),
        };
        login.Headers.Add("Cookie", antiforgery[..antiforgery.IndexOf(';', StringComparison.Ordinal)]);
        using var signedIn = await client.SendAsync(login);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var sessionCookie = SetCookie(signedIn, AuthSetup.SessionCookieName);
        foreach (var cookie in new[] { antiforgery, sessionCookie })
        {
            var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
            Assert.Contains("httponly", attributes);
            Assert.Contains("samesite=strict", attributes);
            Assert.Contains("secure", attributes);
        }
    }

    private static string SetCookie(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) && values.FirstOrDefault(v => v.StartsWith(name + "=", StringComparison.Ordinal)) is { } v
            ? v
            : throw new Xunit.Sdk.XunitException($"no {name} cookie set by {response.RequestMessage?.RequestUri}");

    private static HttpClient Https(GatehouseApp app, bool cookies) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = cookies });
}
