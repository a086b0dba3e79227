using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Gatehouse.Bench.Cluster;

/// <summary>
/// Rate limits across instances: the integration's API key calls the platform API through both web instances in turn,
/// three times its app bucket's burst, four at a time. With the buckets shared (Redis) no more calls pass than one burst
/// plus what refills meanwhile, and the rest are refused with 429; with a bucket per instance, twice the burst would pass.
/// </summary>
internal static class RateLimitCheck
{
    public static async Task<CheckResult> RunAsync(ClusterSettings settings, ClusterSeed world, Progress log)
    {
        var clients = settings.Web.Select(u => ClusterSeed.Client(u, world.ApiKey)).ToArray();
        var calls = settings.RateBurst * 3;
        int allowed = 0, throttled = 0, other = 0;
        using var gate = new SemaphoreSlim(4);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, calls).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                using var r = await clients[i % clients.Length].GetAsync("/platform/v1/projects");
                if (r.IsSuccessStatusCode) Interlocked.Increment(ref allowed);
                else if (r.StatusCode == HttpStatusCode.TooManyRequests) Interlocked.Increment(ref throttled);
                else
                {
                    if (Interlocked.Increment(ref other) <= 3) log.Say($"rate limit check: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
                }
            }
            finally { gate.Release(); }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        foreach (var c in clients) c.Dispose();
        var most = settings.RateBurst + (int)Math.Ceiling(seconds * settings.RatePerSecond) + 1;
        var held = other == 0 && throttled > 0 && allowed <= most;
        var verdict = held ? "held across instances" : "NOT held across instances";
        return new CheckResult(held, string.Create(CultureInfo.InvariantCulture,
            $"rate limits: {calls} calls through {clients.Length} web instances in {seconds:0.0} s, {allowed} allowed, {throttled} throttled, {other} other (one shared burst of {settings.RateBurst} + {settings.RatePerSecond}/s allows at most {most}; a bucket per instance would allow {clients.Length * settings.RateBurst}): {verdict}"));
    }
}
