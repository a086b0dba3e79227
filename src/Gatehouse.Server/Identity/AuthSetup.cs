using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Identity;

/// <summary>
/// Identity users and roles, two ways in (console cookie, personal access token), and the rule that
/// every endpoint needs an authenticated caller unless it says otherwise.
/// </summary>
internal static class AuthSetup
{
    public const string SelectorScheme = "Gatehouse";
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";
    public const string SessionCookieName = "gatehouse.session";

    public static IServiceCollection AddGatehouseAuth(this IServiceCollection services)
    {
        services.AddScoped<OrgAccess>(); // who may see and act for a vendor organisation (every feature asks it)
        services.AddIdentityCore<GatehouseUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                // NIST SP 800-63B §5.1.1.2: length, not composition rules.
                o.Password.RequiredLength = 12;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddPasswordValidator<CommonPasswordValidator>() // breached list, repetitions, runs, own e-mail (NIST SP 800-63B)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<GatehouseDb>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<GatehouseClaimsFactory>()
            .AddDefaultTokenProviders()
            // Authenticator codes that work once (replay within their 30-second step refused).
            .AddTokenProvider<OneTimeAuthenticatorTokenProvider>(OneTimeAuthenticatorTokenProvider.ProviderName);
        services.Configure<IdentityOptions>(o => o.Tokens.AuthenticatorTokenProvider = OneTimeAuthenticatorTokenProvider.ProviderName);

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SelectorScheme;
                o.DefaultChallengeScheme = SelectorScheme;
                o.DefaultForbidScheme = SelectorScheme;
            })
            // A bearer credential a feature added (BearerCredentials), else a personal access token, else the cookie.
            .AddPolicyScheme(SelectorScheme, "Cookie or bearer token", o => o.ForwardDefaultSelector = ctx =>
                ctx.RequestServices.GetRequiredService<IOptions<BearerCredentials>>().Value.SchemeFor(ctx.Request.Headers.Authorization.ToString())
                ?? (ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? PatAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme))
            .AddScheme<AuthenticationSchemeOptions, PatAuthenticationHandler>(PatAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = SessionCookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // Always outside Development/Testing: below
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.Events = new CookieAuthenticationEvents
            {
                // APIs answer 401/403 problem details; pages redirect to the login form.
                OnRedirectToLogin = ctx => IsApi(ctx.Request)
                    ? WriteProblemAsync(ctx.HttpContext, 401, ProblemCodes.Unauthenticated, "Authentication is required")
                    : Redirect(ctx),
                OnRedirectToAccessDenied = ctx => WriteProblemAsync(ctx.HttpContext, 403, ProblemCodes.Forbidden, "Forbidden"),
            };
        });
        // The session cookie only over HTTPS, except in Development/Testing (plain http on localhost).
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<IHostEnvironment>((o, env) => o.Cookie.SecurePolicy = CookieSecurePolicyFor(env));
        // A role change or lock-out reaches open console sessions within a minute.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddAntiforgery(o =>
        {
            o.HeaderName = AntiforgeryHeader;
            o.Cookie.Name = "gatehouse.af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
        });
        // The antiforgery cookie's default policy never sets Secure, even over HTTPS; and the cookie policy
        // marks every other cookie the server sets (Identity's, TempData) the same way (UseCookiePolicy).
        services.AddOptions<AntiforgeryOptions>()
            .Configure<IHostEnvironment>((o, env) => o.Cookie.SecurePolicy = CookieSecurePolicyFor(env));
        services.AddOptions<CookiePolicyOptions>()
            .Configure<IHostEnvironment>((o, env) => o.Secure = CookieSecurePolicyFor(env));
        services.AddAuthorization(Policies.Configure);
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ScopeAwareAuthorizationResultHandler>();
        services.AddScoped<TokenService>();
        services.AddScoped<Audit.IAuditGapCheck, IdentityAuditGaps>(); // every token and organisation has its audit entries
        services.AddSingleton<DecoyPasswordCheck.Hash>();
        services.AddScoped<DecoyPasswordCheck>();
        return services;
    }

    /// <summary>
    /// Adds a bearer credential of a feature: its authentication scheme, judged by <typeparamref name="THandler"/>,
    /// and the test by which the default scheme recognises its token (<see cref="BearerCredentials"/>).
    /// </summary>
    public static AuthenticationBuilder AddBearerCredential<THandler>(this IServiceCollection services, string scheme, Func<string?, bool> presents)
        where THandler : BearerCredentialHandler
    {
        services.Configure<BearerCredentials>(o => o.Add(scheme, presents));
        return services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, THandler>(scheme, null);
    }

    /// <summary>
    /// Cookie-authenticated calls that change state must carry the antiforgery header: a browser
    /// would otherwise send the session cookie for a forged cross-site request. Bearer calls need not.
    /// </summary>
    /// <summary>
    /// A form post whose antiforgery token failed the check (<c>UseAntiforgery</c>) stops here with 400; the status-code
    /// pages turn it into the problem <c>auth.antiforgery</c>. The build-time request delegates would otherwise read the
    /// form anyway and fail with a 500.
    /// </summary>
    public static IApplicationBuilder UseAntiforgeryRefusal(this IApplicationBuilder app) =>
        app.Use(async (ctx, next) =>
        {
            if (ctx.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
            {
                ctx.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            await next(ctx);
        });

    public static IApplicationBuilder UseCookieApiAntiforgery(this IApplicationBuilder app) =>
        app.Use(async (ctx, next) =>
        {
            if (IsApi(ctx.Request)
                && !HttpMethods.IsGet(ctx.Request.Method) && !HttpMethods.IsHead(ctx.Request.Method) && !HttpMethods.IsOptions(ctx.Request.Method)
                && ctx.User.Identity is { IsAuthenticated: true, AuthenticationType: var type }
                && type == IdentityConstants.ApplicationScheme)
            {
                // The token must come in the header: without one, refuse before anything reads the body. Antiforgery
                // would otherwise look for it in the form and read (and spool) a whole multipart body first.
                var af = ctx.RequestServices.GetRequiredService<IAntiforgery>();
                if (string.IsNullOrEmpty(ctx.Request.Headers[AntiforgeryHeader]) || !await af.IsRequestValidAsync(ctx))
                {
                    await WriteProblemAsync(ctx, 400, ProblemCodes.Antiforgery,
                        $"The antiforgery token is missing or wrong; send it in the {AntiforgeryHeader} header (GET /api/antiforgery).");
                    return;
                }
            }
            await next(ctx);
        });

    /// <summary>
    /// Secure cookies everywhere but Development and Testing, which may run over plain http on localhost;
    /// there a cookie is Secure whenever the request came over HTTPS.
    /// </summary>
    public static CookieSecurePolicy CookieSecurePolicyFor(IHostEnvironment env) =>
        env.IsDevelopment() || env.IsEnvironment("Testing") ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;

    private static bool IsApi(HttpRequest r) => r.Path.StartsWithSegments("/api");

    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> ctx)
    {
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    private static Task WriteProblemAsync(HttpContext ctx, int status, string code, string title, string? detail = null)
    {
        ctx.Response.StatusCode = status;
        return Problems.Of(status, code, title, detail).ExecuteAsync(ctx);
    }
}
