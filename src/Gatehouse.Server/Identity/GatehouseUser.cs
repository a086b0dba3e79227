using Microsoft.AspNetCore.Identity;

namespace Gatehouse.Server.Identity;

/// <summary>A person who signs in: administrator, reviewer or vendor developer.</summary>
public sealed class GatehouseUser : IdentityUser
{
    public string? DisplayName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
