namespace Gatehouse.Server.Identity;

/// <summary>
/// A personal access token for the CLI and API. Only an HMAC of the token is stored;
/// the clear token is shown once, at creation.
/// </summary>
public sealed class PersonalAccessToken
{
    /// <summary>Public identifier, also embedded in the token (<c>gatehouse_pat_{Id}_{secret}</c>).</summary>
    public required string Id { get; set; }
    public required string UserId { get; set; }
    public required string Name { get; set; }
    /// <summary>Space-separated scopes.</summary>
    public required string Scopes { get; set; }
    /// <summary>Hex HMAC-SHA256 of the whole token under the server's token key.</summary>
    public required string Hmac { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public string? LastUsedFrom { get; set; }
    /// <summary>
    /// The token that was presented to create this one, or null when it was created from a console session.
    /// A child never outlives its parent nor holds a scope the parent lacks, and revoking the parent revokes it.
    /// </summary>
    public string? ParentTokenId { get; set; }

    public IReadOnlyList<string> ScopeList =>
        Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
