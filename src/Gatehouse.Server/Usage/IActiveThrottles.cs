namespace Gatehouse.Server.Usage;

/// <summary>
/// The active <see cref="UsageThrottle"/>s, as the rate limiter reads them on every call: cached in memory and
/// refreshed from the database periodically; <see cref="Invalidate"/> after a commit that changes them.
/// </summary>
internal interface IActiveThrottles
{
    /// <summary>The factor (0, 1] applied to the app's limits now, or 1 when it is not throttled.</summary>
    double FactorFor(Guid appId);

    /// <summary>Drops the cache so the next read reloads it.</summary>
    void Invalidate();
}
