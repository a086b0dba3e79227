namespace Gatehouse.Server.Gateway;

/// <summary>
/// <c>Gateway:RateLimits</c>: the platform rate limits (docs/gateway.md). <see cref="Default"/> applies to a tier that
/// <see cref="Tiers"/> does not name; an active usage throttle multiplies both buckets of the app by its factor.
/// </summary>
internal sealed class PlatformRateLimitOptions
{
    public const string Section = "Gateway:RateLimits";

    /// <summary>Off only for measurements; on by default.</summary>
    public bool Enabled { get; set; } = true;

    public PlatformTierLimits Default { get; set; } = new();

    /// <summary>Limits by the app's listing tier (<c>standard</c>, <c>partner</c>, ...), case-insensitive.</summary>
    public Dictionary<string, PlatformTierLimits> Tiers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The limits of <paramref name="tier"/>.</summary>
    public PlatformTierLimits For(string tier) =>
        Tiers.TryGetValue(tier, out var limits) ? limits : Default;

    /// <summary>Why these options cannot work, or null.</summary>
    public string? Problem()
    {
        foreach (var (name, limits) in Tiers.Prepend(new("Default", Default)))
            foreach (var (kind, limit) in new[] { ("PerApp", limits.PerApp), ("PerInstallation", limits.PerInstallation) })
                if (limit.Burst < 1 || !(limit.PerSecond > 0) || double.IsInfinity(limit.PerSecond))
                    return $"{Section}: {name}.{kind} needs Burst >= 1 and PerSecond > 0";
        return null;
    }
}
