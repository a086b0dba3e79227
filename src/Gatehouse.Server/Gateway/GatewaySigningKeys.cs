namespace Gatehouse.Server.Gateway;

/// <summary>
/// The key each cluster's identity headers are signed with: <c>Gateway:SigningKeys:{clusterId}</c> (a secret, so from
/// the environment or a secret store, never from a file in the repository). Read on each call, so a rotated key applies
/// without a restart; a cluster without a key is refused at start-up (<see cref="Missing"/>).
/// </summary>
internal sealed class GatewaySigningKeys(IConfiguration configuration)
{
    public const string Section = "Gateway:SigningKeys";

    /// <summary>The cluster's key, or null when none or too short.</summary>
    public string? For(string clusterId)
    {
        var key = configuration[$"{Section}:{clusterId}"];
        return key is { Length: >= GatewayIdentityHeaders.MinKeyLength } ? key : null;
    }

    /// <summary>The configured clusters that have no usable key.</summary>
    public IReadOnlyList<string> Missing() =>
        [.. configuration.GetSection(GatewaySetup.ProxySection + ":Clusters").GetChildren().Select(c => c.Key).Where(id => For(id) is null)];
}
