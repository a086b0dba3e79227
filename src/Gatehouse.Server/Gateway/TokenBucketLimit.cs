namespace Gatehouse.Server.Gateway;

/// <summary>A token bucket: up to <see cref="Burst"/> calls at once, refilled at <see cref="PerSecond"/> calls a second.</summary>
internal sealed class TokenBucketLimit
{
    /// <summary>The bucket's size: calls allowed back to back after a quiet period.</summary>
    public int Burst { get; set; }

    /// <summary>The sustained rate, in calls a second (fractions allowed).</summary>
    public double PerSecond { get; set; }

    /// <summary>This limit scaled by a throttle factor in (0, 1]; a bucket always holds at least one call.</summary>
    public TokenBucketLimit Scaled(double factor) =>
        factor >= 1 ? this : new() { Burst = Math.Max(1, (int)Math.Floor(Burst * factor)), PerSecond = PerSecond * factor };

    /// <summary>The window of the <c>RateLimit-Policy</c> header: the seconds a full bucket takes to refill.</summary>
    public int WindowSeconds => Math.Max(1, (int)Math.Ceiling(Burst / PerSecond));
}
