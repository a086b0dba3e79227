namespace Gatehouse.Server.Images;

/// <summary>A new registry credential: the registry host (and port), user name and secret (password or token).</summary>
public sealed record CreateRegistryCredentialRequest(string? Registry, string? Username, string? Secret);

/// <summary>A registry credential as listed: never its secret.</summary>
public sealed record RegistryCredentialInfo(Guid Id, string Registry, string Username, string CreatedBy, DateTimeOffset CreatedAt)
{
    internal static RegistryCredentialInfo From(RegistryCredential c) => new(c.Id, c.Registry, c.Username, c.CreatedBy, c.CreatedAt);
}
