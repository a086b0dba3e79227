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
/// <remarks>
/// A repeat waits for the first request's record to commit (<see cref="ClaimAsync"/>): a client that sees a download
/// start (200) can rely on its record being in the database, even when the first request of the same URL is still
/// writing it and the process dies then. If the first request fails before its commit, the next one counts itself.
/// </remarks>
internal sealed class DownloadCountWindow
{
    private readonly ConcurrentDictionary<string, Entry> _seen = new(StringComparer.Ordinal);
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    /// <summary>Most keys kept; past it the oldest half is dropped (a flood of distinct URLs cannot grow memory without end).</summary>
    public const int MaxKeys = 100_000;

    internal sealed class Entry(DateTimeOffset at)
    {
        public DateTimeOffset At { get; } = at;
        /// <summary>True once the owner's record committed; false if the owner gave up (the key is free again).</summary>
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Abandoned => Done.Task is { IsCompleted: true } t && (!t.IsCompletedSuccessfully || !t.Result);
    }

    /// <summary>
    /// The first request of <paramref name="key"/> in <paramref name="window"/> gets a ticket: it records the download,
    /// then calls <see cref="CountTicket.Committed"/> (disposing the ticket without it frees the key). A repeat waits
    /// until the first one's record committed and gets null; if the first one gave up, the repeat gets the ticket.
    /// </summary>
    public async ValueTask<CountTicket?> ClaimAsync(string key, DateTimeOffset now, TimeSpan window, CancellationToken ct)
    {
        if (window <= TimeSpan.Zero) return new CountTicket(null, null, null);
        while (true)
        {
            Sweep(now, window);
            var mine = new Entry(now);
            var current = _seen.AddOrUpdate(key, mine, (_, last) => now - last.At < window && !last.Abandoned ? last : mine);
            if (ReferenceEquals(current, mine)) return new CountTicket(this, key, mine);
            if (await current.Done.Task.WaitAsync(ct)) return null;
        }
    }

    /// <summary>True for the first request of <paramref name="key"/> in <paramref name="window"/>; false for the repeats (no record to wait for).</summary>
    public bool ShouldCount(string key, DateTimeOffset now, TimeSpan window)
    {
        if (window <= TimeSpan.Zero) return true;
        Sweep(now, window);
        var mine = new Entry(now);
        mine.Done.SetResult(true);
        return ReferenceEquals(mine, _seen.AddOrUpdate(key, mine, (_, last) => now - last.At < window && !last.Abandoned ? last : mine));
    }

    /// <summary>The right to count one download; see <see cref="ClaimAsync"/>.</summary>
    internal sealed class CountTicket : IDisposable
    {
        private readonly DownloadCountWindow? _window;
        private readonly string? _key;
        private readonly Entry? _entry;

        internal CountTicket(DownloadCountWindow? window, string? key, Entry? entry) => (_window, _key, _entry) = (window, key, entry);

        /// <summary>The record committed: repeats within the window are not counted.</summary>
        public void Committed() => _entry?.Done.TrySetResult(true);

        /// <summary>Without <see cref="Committed"/>, frees the key for the next request (which counts itself).</summary>
        public void Dispose()
        {
            if (_entry is null || !_entry.Done.TrySetResult(false)) return;
            _window!._seen.TryRemove(new KeyValuePair<string, Entry>(_key!, _entry));
        }
    }

    private void Sweep(DateTimeOffset now, TimeSpan window)
    {
        if (now < _nextSweep && _seen.Count < MaxKeys) return;
        _nextSweep = now + window;
        foreach (var (k, e) in _seen)
            if (now - e.At >= window && e.Done.Task.IsCompleted) _seen.TryRemove(new KeyValuePair<string, Entry>(k, e));
        if (_seen.Count >= MaxKeys)
            foreach (var (k, e) in _seen.OrderBy(e => e.Value.At).Take(_seen.Count / 2).ToList()) _seen.TryRemove(new KeyValuePair<string, Entry>(k, e));
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
