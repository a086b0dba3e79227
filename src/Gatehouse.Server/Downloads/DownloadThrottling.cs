using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Downloads;

/// <summary>
/// Remembers which URL and client were counted recently, so a download is counted and audited once per URL (its
/// signature) and client address within <c>Downloads:CountWindow</c>. In memory, per server: with several servers
/// a download may be counted once per server, which stays bounded.
/// </summary>
internal sealed class DownloadCountWindow
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    /// <summary>Most keys kept; past it the oldest half is dropped (a flood of distinct URLs cannot grow memory without end).</summary>
    public const int MaxKeys = 100_000;

    /// <summary>True for the first request of <paramref name="key"/> in <paramref name="window"/>; false for the repeats.</summary>
    public bool ShouldCount(string key, DateTimeOffset now, TimeSpan window)
    {
        if (window <= TimeSpan.Zero) return true;
        Sweep(now, window);
        var counted = false;
        _seen.AddOrUpdate(key, _ => { counted = true; return now; }, (_, last) =>
        {
            if (now - last < window) return last;
            counted = true;
            return now;
        });
        return counted;
    }

    private void Sweep(DateTimeOffset now, TimeSpan window)
    {
        if (now < _nextSweep && _seen.Count < MaxKeys) return;
        _nextSweep = now + window;
        foreach (var (k, at) in _seen)
            if (now - at >= window) _seen.TryRemove(k, out _);
        if (_seen.Count >= MaxKeys)
            foreach (var (k, _) in _seen.OrderBy(e => e.Value).Take(_seen.Count / 2).ToList()) _seen.TryRemove(k, out _);
    }
}

/// <summary>
/// The rate limit of <c>/dl/</c>: a fixed window of <c>Downloads:RateLimitPerMinute</c> requests per client address
/// (the holders are anonymous, so the address is what there is), shared by every instance through
/// <see cref="IClientRateLimits"/> when Redis is configured. Past it: 429 with <c>Retry-After</c> and problem
/// <c>request.rate-limited</c>, before the URL is checked or anything is read.
/// </summary>
internal sealed class DownloadRateLimitPolicy(IOptions<DownloadOptions> options, IClientRateLimits limits) : IRateLimiterPolicy<string>
{
    public const string Name = "downloads";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (context, ct) =>
    {
        var http = context.HttpContext;
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : 60;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Problems.Of(StatusCodes.Status429TooManyRequests, ProblemCodes.RateLimited, "Too many requests",
            $"Too many download requests from this address; retry in {seconds} seconds.").ExecuteAsync(http);
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        // Shared by every instance when Redis is configured (docs/redis.md).
        return limits.FixedWindow(Name, httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown", options.Value.RateLimitPerMinute, TimeSpan.FromMinutes(1));
    }
}
