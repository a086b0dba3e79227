using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Identity;

/// <summary>Cookie sessions carry every scope their roles allow (tokens carry what they were issued with).</summary>
internal sealed class GatehouseClaimsFactory(
    UserManager<GatehouseUser> userManager,
    RoleManager<IdentityRole> roleManager,
    IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<GatehouseUser, IdentityRole>(userManager, roleManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(GatehouseUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        var roles = await UserManager.GetRolesAsync(user);
        foreach (var scope in Scopes.AllowedFor(roles))
            identity.AddClaim(new Claim(Scopes.ClaimType, scope));
        return identity;
    }
}
