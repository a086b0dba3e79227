namespace Gatehouse.Server.Usage;

/// <summary>
/// The counters of one aggregate key, added to from many request threads at once with <see cref="Interlocked"/>
/// (no lock on the request path). Latency is kept in microseconds as integers, so sums are exact and atomic.
/// </summary>
internal sealed class UsageCounters
{
    private long _calls, _s2xx, _s4xx, _s5xx, _s401, _s403, _s429, _scopeViolations, _bytesOut, _pages, _notInstalled, _latencyUsSum, _latencyUsMax;

    /// <summary>Adds one call.</summary>
    public void Add(in UsageSample s)
    {
        Interlocked.Increment(ref _calls);
        switch (s.Status)
        {
            case >= 200 and < 300: Interlocked.Increment(ref _s2xx); break;
            case >= 400 and < 500: Interlocked.Increment(ref _s4xx); break;
            case >= 500: Interlocked.Increment(ref _s5xx); break;
        }
        if (s.Status == 401) Interlocked.Increment(ref _s401);
        else if (s.Status == 403) Interlocked.Increment(ref _s403);
        else if (s.Status == 429) Interlocked.Increment(ref _s429);
        if (s.ScopeViolation) Interlocked.Increment(ref _scopeViolations);
        if (s.NotInstalled) Interlocked.Increment(ref _notInstalled);
        if (s.Page) Interlocked.Increment(ref _pages);
        if (s.BytesOut > 0) Interlocked.Add(ref _bytesOut, s.BytesOut);
        var us = double.IsFinite(s.LatencyMs) && s.LatencyMs > 0 ? (long)Math.Min(s.LatencyMs * 1000, long.MaxValue / 1_000_000.0) : 0;
        Interlocked.Add(ref _latencyUsSum, us);
        long max;
        while (us > (max = Volatile.Read(ref _latencyUsMax)) && Interlocked.CompareExchange(ref _latencyUsMax, us, max) != max) { }
    }

    /// <summary>The row for <paramref name="key"/>; called once no thread adds to these counters any more.</summary>
    public UsageMinuteRecord ToRecord(in UsageAggregateKey key, string source) => new()
    {
        AppId = key.AppId, TenantId = key.TenantId, CredentialId = key.CredentialId, Endpoint = key.Endpoint, Scope = key.Scope,
        Minute = key.Minute, Source = source,
        Calls = _calls, Status2xx = _s2xx, Status4xx = _s4xx, Status5xx = _s5xx,
        Unauthorized401 = _s401, Forbidden403 = _s403, TooMany429 = _s429, ScopeViolations = _scopeViolations,
        BytesOut = _bytesOut, Pages = _pages, NotInstalledCalls = _notInstalled,
        LatencyMsSum = _latencyUsSum / 1000.0, LatencyMsMax = _latencyUsMax / 1000.0,
    };
}
