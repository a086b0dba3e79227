namespace Gatehouse.Server.Platform;

/// <summary>
/// Endpoint metadata: calls to this endpoint are platform calls made by apps, metered for usage monitoring and subject
/// to the platform rate limits. The platform API's group and the gateway's proxied routes carry it.
/// </summary>
internal sealed class MeteredPlatformEndpoint
{
    /// <summary>The one instance (it carries no data).</summary>
    public static MeteredPlatformEndpoint Instance { get; } = new();
}
