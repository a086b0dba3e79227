using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using static Gatehouse.Server.Identity.HtmlPage;

namespace Gatehouse.Server.Identity;

/// <summary>
/// Registration and middleware of the console's own protection: staff must have two-factor authentication
/// (<see cref="UseTwoFactorEnforcement"/>), and sign-in posts are rate limited per client address on top of
/// Identity's lock-out (docs/console.md#security).
/// </summary>
internal static class TwoFactorSetup
{
    public const string LoginRateLimitPolicy = "login";

    public static IServiceCollection AddGatehouseTwoFactor(this IServiceCollection services)
    {
        services.AddOptions<LoginThrottleOptions>().BindConfiguration(GatehouseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.Configure<IdentityOptions>(o => o.Tokens.AuthenticatorIssuer = TwoFactorApi.Issuer);
        // The cookie that carries "password checked, code pending" gets the session cookie's flags.
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme).Configure<IHostEnvironment>((o, env) =>
        {
            o.Cookie.Name = "gatehouse.2fa";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = AuthSetup.CookieSecurePolicyFor(env);
        });
        services.AddSingleton<ThrottleAuditGate>();
        services.TryAddSingleton<IClientRateLimits, LocalClientRateLimits>(); // Cluster/ClusterSetup registers the shared one first
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(LoginRateLimitPolicy, ctx =>
            {
                var limit = ctx.RequestServices.GetRequiredService<IOptions<LoginThrottleOptions>>().Value.LoginRateLimitPerMinute;
                // Shared by every instance when Redis is configured, so guesses spread over several web instances meet one limit.
                return ctx.RequestServices.GetRequiredService<IClientRateLimits>().FixedWindow(LoginRateLimitPolicy, ClientKey(ctx), limit, TimeSpan.FromMinutes(1));
            });
            o.OnRejected = OnThrottledAsync;
        });
        return services;
    }

    private static string ClientKey(HttpContext ctx) => ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask OnThrottledAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : 60;
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var client = ClientKey(http);
        // One audit entry per address and minute: a flood must not flood the append-only log too.
        if (http.RequestServices.GetRequiredService<ThrottleAuditGate>().ShouldRecord(client, http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()))
            await http.RequestServices.GetRequiredService<AuditLog>().AppendAsync(new AuditEvent(AuditActions.LoginThrottled, "anonymous",
                ClientAddress: client, Data: new { path = http.Request.Path.Value, retryAfterSeconds = seconds }), ct);
        await Render("Too many sign-in attempts", $"""
            <p role="alert">There were too many sign-in attempts from your address. Wait {seconds} seconds, then <a href="/account/login">try again</a>.</p>
            """, StatusCodes.Status429TooManyRequests).ExecuteAsync(http);
    }

    /// <summary>
    /// One rule for every path: a staff member (admin, reviewer) whose session cookie is valid but who has not turned
    /// on two-factor authentication gets nothing but the 2FA setup. Pages (console, account, OAuth consent at
    /// <c>/connect/authorize</c>, Hangfire) redirect to <c>/account/2fa/setup</c>; <c>/api</c> and <c>/platform</c>
    /// answer 403 <c>auth.two-factor-required</c>. Deny by default: only <see cref="Exempt"/> paths (the setup itself,
    /// sign-in and sign-out, health) are let through, so a new page cannot forget the check. The cookie is read even
    /// when a bearer header chose another scheme, because some paths (consent) read the cookie themselves.
    /// Personal access tokens are not affected; admin-scope tokens are minted only from a session that passed 2FA
    /// (<see cref="TokensApi"/>).
    /// </summary>
    public static IApplicationBuilder UseTwoFactorEnforcement(this IApplicationBuilder app) =>
        app.Use(async (ctx, next) =>
        {
            if (!Exempt(ctx.Request.Path) && await SessionAsync(ctx) is { } session && session.IsStaff()
                && !await TwoFactorEnabledAsync(ctx, session.Id()))
            {
                if (ctx.RequestServices.GetRequiredService<IOptions<ApiPaths>>().Value.Contains(ctx.Request.Path))
                {
                    ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                    await Problems.Of(403, ProblemCodes.TwoFactorRequired, "Two-factor authentication is required",
                        "Staff accounts must turn on two-factor authentication at /account/2fa/setup before using the console session; personal access tokens are not affected.")
                        .ExecuteAsync(ctx);
                    return;
                }
                var back = HttpMethods.IsGet(ctx.Request.Method) ? (ctx.Request.PathBase + ctx.Request.Path + ctx.Request.QueryString).ToString() : null;
                // 302 for a page; 303 for a POST (consent, forms), so the browser follows with a GET of the setup.
                ctx.Response.StatusCode = HttpMethods.IsGet(ctx.Request.Method) ? StatusCodes.Status302Found : StatusCodes.Status303SeeOther;
                ctx.Response.Headers.Location = "/account/2fa/setup" + (AccountApi.IsLocalUrl(back) ? "?returnUrl=" + Uri.EscapeDataString(back!) : "");
                return;
            }
            await next(ctx);
        });

    /// <summary>What a staff member without 2FA may still reach: the setup (and the second sign-in step), signing in and out, health.</summary>
    internal static bool Exempt(PathString path) =>
        path.StartsWithSegments("/account/2fa") || path.StartsWithSegments("/account/login") || path.StartsWithSegments("/account/logout")
        || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");

    private static async Task<System.Security.Claims.ClaimsPrincipal?> SessionAsync(HttpContext ctx)
    {
        if (ctx.User.Identity is { IsAuthenticated: true, AuthenticationType: var type } && type == IdentityConstants.ApplicationScheme)
            return ctx.User;
        if (!ctx.Request.Cookies.ContainsKey(AuthSetup.SessionCookieName)) return null;
        var result = await ctx.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        return result.Succeeded && result.Principal.Identity?.IsAuthenticated == true ? result.Principal : null;
    }

    private static async Task<bool> TwoFactorEnabledAsync(HttpContext ctx, string userId)
    {
        var db = ctx.RequestServices.GetRequiredService<GatehouseDb>();
        return await db.Users.Where(u => u.Id == userId).Select(u => u.TwoFactorEnabled).FirstOrDefaultAsync(ctx.RequestAborted);
    }
}

/// <summary>Remembers when a throttled address was last audited.</summary>
internal sealed class ThrottleAuditGate
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _last = new(StringComparer.Ordinal);

    public bool ShouldRecord(string client, DateTimeOffset now)
    {
        if (_last.Count > 10_000)
            foreach (var (k, v) in _last)
                if (now - v > TimeSpan.FromMinutes(1)) _last.TryRemove(k, out _);
        var recorded = false;
        _last.AddOrUpdate(client, _ => { recorded = true; return now; }, (_, prev) =>
        {
            if (now - prev < TimeSpan.FromMinutes(1)) return prev;
            recorded = true;
            return now;
        });
        return recorded;
    }
}
