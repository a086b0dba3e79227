namespace Gatehouse.Server.Gateway;

/// <summary>The platform rate limits of one listing tier: per app (all its installations) and per installation.</summary>
internal sealed class PlatformTierLimits
{
    public TokenBucketLimit PerApp { get; set; } = new() { Burst = 600, PerSecond = 10 };
    public TokenBucketLimit PerInstallation { get; set; } = new() { Burst = 300, PerSecond = 5 };
}
