using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.OAuth;

/// <summary>A customer of the marketplace platform: the unit an app is installed into.</summary>
public sealed class Tenant
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
}

/// <summary>
/// An app installed into a tenant through OAuth consent. Client-credentials tokens for a tenant are
/// issued only while an installation is active (<see cref="UninstalledAt"/> is null), and only for the
/// scopes it granted.
/// </summary>
public sealed class Installation
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    /// <summary>The OpenIddict client id of the installed app.</summary>
    public required string ClientId { get; set; }
    /// <summary>The marketplace app, when the client belongs to one.</summary>
    public Guid? AppId { get; set; }
    /// <summary>Space-separated scopes the tenant admin granted.</summary>
    public required string Scopes { get; set; }
    public required string InstalledBy { get; set; }
    public DateTimeOffset InstalledAt { get; set; }
    public DateTimeOffset? UninstalledAt { get; set; }
    public string? UninstalledBy { get; set; }
    /// <summary>
    /// The OpenIddict authorization every token of this installation hangs off; revoking it (uninstall,
    /// kill switch) makes all of them fail at once. Replaced by a fresh one when the app is reinstated.
    /// </summary>
    public string? AuthorizationId { get; set; }

    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
