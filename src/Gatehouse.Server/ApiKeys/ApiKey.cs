namespace Gatehouse.Server.ApiKeys;

/// <summary>
/// An API key of an app, optionally bound to one customer tenant (an installation). Only an HMAC of the
/// key is stored; the clear key is shown once, at creation or rotation (docs/api-keys.md).
/// </summary>
public sealed class ApiKey
{
    /// <summary>The public key id, also embedded in the key (<c>ghk_live_{Id}_…</c>).</summary>
    public required string Id { get; set; }
    public Guid AppId { get; set; }
    /// <summary>The app's vendor organisation (for audit and access checks).</summary>
    public Guid OrganizationId { get; set; }
    /// <summary>The customer tenant the key acts for; null for an app-level key (no platform data).</summary>
    public Guid? TenantId { get; set; }
    public required string Name { get; set; }
    /// <summary>Space-separated platform scopes (<see cref="Platform.PlatformScopes"/>).</summary>
    public required string Scopes { get; set; }
    /// <summary>False for <c>ghk_test_</c> keys.</summary>
    public bool Live { get; set; } = true;
    /// <summary>Hex HMAC-SHA256 of the whole key under the server's token key.</summary>
    public required string Hmac { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public string? LastUsedFrom { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    /// <summary>The key that replaced this one by rotation.</summary>
    public string? ReplacedBy { get; set; }

    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
