using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.OAuth;

/// <summary>A customer of the marketplace platform: the unit an app is installed into.</summary>
public sealed class Tenant
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
}

/// <summary>A console user who may install apps into a tenant (consent on its behalf).</summary>
public sealed class TenantAdmin
{
    public Guid TenantId { get; set; }
    public required string UserId { get; set; }

    /// <summary>True when <paramref name="userId"/> administers <paramref name="tenantId"/>.</summary>
    public static Task<bool> IsAsync(Data.GatehouseDb db, Guid tenantId, string userId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Set<TenantAdmin>().AnyAsync(t => t.TenantId == tenantId && t.UserId == userId, ct);
    }
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

/// <summary>Tables of the OAuth feature, and OpenIddict's own (applications, authorizations, scopes, tokens).</summary>
internal static class OAuthModel
{
    public static void Configure(ModelBuilder builder)
    {
        // OpenIddict's entities live in the same database (and the same migrations) as everything else.
        builder.UseOpenIddict();
        builder.Entity<Tenant>(e =>
        {
            e.ToTable("tenants");
            e.HasKey(x => x.Id);
            e.Property(x => x.Name).HasMaxLength(200);
        });
        builder.Entity<TenantAdmin>(e =>
        {
            e.ToTable("tenant_admins");
            e.HasKey(x => new { x.TenantId, x.UserId });
            e.Property(x => x.UserId).HasMaxLength(450);
            e.HasIndex(x => x.UserId);
        });
        builder.Entity<Installation>(e =>
        {
            e.ToTable("installations");
            e.HasKey(x => x.Id);
            e.Property(x => x.ClientId).HasMaxLength(100);
            e.Property(x => x.Scopes).HasMaxLength(400);
            e.Property(x => x.InstalledBy).HasMaxLength(450);
            e.Property(x => x.UninstalledBy).HasMaxLength(450);
            e.Property(x => x.AuthorizationId).HasMaxLength(100);
            e.HasIndex(x => x.AppId);
            e.HasIndex(x => new { x.TenantId, x.ClientId });
            e.Ignore(x => x.ScopeList);
        });
    }
}
