using Microsoft.AspNetCore.Authorization;

namespace Gatehouse.Server.Identity;

/// <summary>Authorization policies. The fallback policy requires an authenticated user everywhere.</summary>
internal static class Policies
{
    public const string Read = "scope:read";
    public const string Write = "scope:write";
    public const string Admin = "admin";
    public const string Staff = "staff";

    public static void Configure(AuthorizationOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        o.AddPolicy(Read, p => p.RequireAuthenticatedUser().RequireClaim(Scopes.ClaimType, Scopes.Read));
        o.AddPolicy(Write, p => p.RequireAuthenticatedUser().RequireClaim(Scopes.ClaimType, Scopes.Write));
        o.AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin).RequireClaim(Scopes.ClaimType, Scopes.Admin));
        o.AddPolicy(Staff, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Reviewer).RequireClaim(Scopes.ClaimType, Scopes.Admin));
    }
}
