using System.Security.Claims;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Platform;

/// <summary>
/// Who may call the platform API. Any authenticated principal from one of <see cref="Schemes"/> that carries
/// at least one <c>tenant_id</c> claim; each endpoint also needs a scope (a <c>scope</c> claim per value, or
/// space-separated values; OpenIddict's <c>oi_scp</c> is read too). Data is always filtered to the caller's
/// tenants, so a key of tenant A sees nothing of tenant B (404).
/// </summary>
internal static class PlatformAuth
{
    /// <summary>The base policy: authenticated, bound to a tenant.</summary>
    public const string Policy = "platform";
    public const string ProjectsRead = "platform:" + PlatformScopes.ProjectsRead;
    public const string ProjectsWrite = "platform:" + PlatformScopes.ProjectsWrite;
    public const string IssuesRead = "platform:" + PlatformScopes.IssuesRead;
    public const string IssuesWrite = "platform:" + PlatformScopes.IssuesWrite;

    public const string TenantClaim = "tenant_id";
    /// <summary>The app an API key belongs to (API keys carry it; OAuth tokens name their client instead).</summary>
    public const string AppIdClaim = "app_id";
    /// <summary>The id of the API key that authenticated the call.</summary>
    public const string KeyIdClaim = "api_key_id";
    public const string ScopeClaim = "scope";
    private const string OpenIddictScopeClaim = "oi_scp";

    /// <summary>
    /// The platform API's one scheme: a Gatehouse API key (<c>Bearer ghk_…</c>) goes to the API key handler,
    /// any other bearer token to OpenIddict's validation (access tokens of the authorization server, audience
    /// <see cref="OAuth.OAuthSetup.PlatformResource"/>). Cookies and personal access tokens are deliberately absent.
    /// </summary>
    public const string SchemeName = "Platform";

    public static readonly string[] Schemes = [SchemeName];

    /// <summary>
    /// Where <see cref="SchemeName"/> forwards a request: a bearer credential of ours (the API keys register theirs
    /// in <see cref="BearerCredentials"/>) to its handler, any other token to OpenIddict's validation.
    /// </summary>
    public static string Forward(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.RequestServices.GetRequiredService<IOptions<BearerCredentials>>().Value.SchemeFor(context.Request.Headers.Authorization.ToString())
            ?? OpenIddict.Validation.AspNetCore.OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
    }

    public static void Configure(AuthorizationOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        o.AddPolicy(Policy, p => Base(p));
        foreach (var scope in PlatformScopes.All)
            o.AddPolicy("platform:" + scope, p => Base(p).AddRequirements(new PlatformScopeRequirement(scope)));
    }

    private static AuthorizationPolicyBuilder Base(AuthorizationPolicyBuilder p) =>
        p.AddAuthenticationSchemes(Schemes).RequireAuthenticatedUser().RequireClaim(TenantClaim);

    /// <summary>The tenants the caller acts for (normally one).</summary>
    public static Guid[] Tenants(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return [.. user.FindAll(TenantClaim).Select(c => Guid.TryParse(c.Value, out var g) ? g : Guid.Empty)
            .Where(g => g != Guid.Empty).Distinct()];
    }

    public static bool HasPlatformScope(this ClaimsPrincipal user, string scope) =>
        user.Claims.Where(c => c.Type is ScopeClaim or OpenIddictScopeClaim)
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Contains(scope, StringComparer.Ordinal);
}

/// <summary>The caller holds <see cref="Scope"/>; a refusal answers <c>auth.insufficient-scope</c>.</summary>
internal sealed class PlatformScopeRequirement(string scope) : AuthorizationHandler<PlatformScopeRequirement>, IScopeRequirement
{
    public string Scope { get; } = scope;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PlatformScopeRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        if (context.User.HasPlatformScope(requirement.Scope)) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
