namespace Gatehouse.Server.Gateway;

/// <summary>The problem codes of the gateway and the platform rate limits (each has a page in docs/errors/).</summary>
internal static class GatewayProblemCodes
{
    /// <summary>429: the app's or the installation's token bucket is empty.</summary>
    public const string RateLimited = "usage.rate-limited";

    /// <summary>502 or 504: the gateway could not get an answer from the upstream.</summary>
    public const string UpstreamUnavailable = "gateway.upstream-unavailable";
}
