using Gatehouse.Analysis.Usage;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Analysis.Tests.Usage;

/// <summary>
/// Plays four weeks of normal traffic for several apps (diurnal and weekday/weekend shape, ±15 % multiplicative noise,
/// a little background of 4xx, 5xx and 401), optionally injects each abuse pattern into one app at a known time, and
/// runs every detector once per simulated hour on a <see cref="FakeTimeProvider"/>. Deterministic: all randomness
/// comes from a seeded <see cref="SplitMix64"/>.
/// </summary>
public sealed class TrafficSimulator
{
    /// <summary>Monday 00:00 UTC: the simulation starts on a week boundary so "week 4" is easy to reason about.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Four weeks.</summary>
    public static readonly TimeSpan Length = TimeSpan.FromDays(28);

    /// <summary>The simulated apps: id and calls per hour at the weekday peak. Two are quiet on purpose.</summary>
    public static readonly IReadOnlyList<(string App, double PeakPerHour)> Apps =
    [
        ("app-crm", 2000), ("app-files", 800), ("app-quiet", 300), ("app-big", 5000), ("app-tiny", 60),
    ];

    private static readonly string[] Scopes = ["files.read", "users.read"];

    private readonly SplitMix64 _random;
    private readonly List<Injection> _injections;
    private readonly Dictionary<string, List<UsageMinute>> _rows = new(StringComparer.Ordinal);

    /// <summary>A simulator for the seed, with the given injections (none for a clean run).</summary>
    public TrafficSimulator(ulong seed, IReadOnlyList<Injection> injections)
    {
        _random = new SplitMix64(seed);
        _injections = [.. injections];
        Generate();
    }

    /// <summary>One injected abuse pattern: which detector should see it, in which app, when.</summary>
    public sealed record Injection(string DetectorId, string AppId, DateTimeOffset From, DateTimeOffset To);

    /// <summary>Each abuse pattern once, in week 4 (after three weeks of baseline), two hours each, in different apps and hours.</summary>
    public static IReadOnlyList<Injection> StandardInjections()
    {
        var week4 = Start.AddDays(21);
        return
        [
            new("usage.volume-spike", "app-files", week4.AddHours(14), week4.AddHours(16)),
            new("usage.auth-failure-burst", "app-quiet", week4.AddDays(1).AddHours(3), week4.AddDays(1).AddHours(5)),
            new("usage.scope-violation", "app-big", week4.AddDays(2).AddHours(10), week4.AddDays(2).AddHours(12)),
            new("usage.tenant-enumeration", "app-tiny", week4.AddDays(3).AddHours(20), week4.AddDays(3).AddHours(22)),
            new("usage.bulk-export", "app-crm", week4.AddDays(4).AddHours(1), week4.AddDays(4).AddHours(3)),
            new("usage.error-rate-spike", "app-files", week4.AddDays(5).AddHours(11), week4.AddDays(5).AddHours(13)),

            // Granted 40 days before the simulation and never used: true for the whole run.
            new("usage.unused-scope", "app-quiet", Start, Start + Length),
        ];
    }

    /// <summary>The injections of this run.</summary>
    public IReadOnlyList<Injection> Injections => _injections;

    /// <summary>The generated rows of one app (the server's tests store them as <c>usage_minutes</c>).</summary>
    public IReadOnlyList<UsageMinute> Rows(string app) => _rows[app];

    /// <summary>Runs every detector every simulated hour (the clock is a <see cref="FakeTimeProvider"/>) and returns all alerts.</summary>
    public IReadOnlyList<UsageAlert> Run(IReadOnlyList<IUsageDetector> detectors)
    {
        var time = new FakeTimeProvider(Start);
        var alerts = new List<UsageAlert>();
        while (time.GetUtcNow() < Start + Length)
        {
            time.Advance(TimeSpan.FromHours(1));
            var now = time.GetUtcNow();
            foreach (var (app, _) in Apps)
            {
                alerts.AddRange(UsageDetectors.DetectAll(detectors, Window(app, now), now));
            }
        }

        return alerts;
    }

    private UsageWindow Window(string app, DateTimeOffset now)
    {
        var granted = Scopes.Select(s => new GrantedScope(s, Start.AddDays(-40))).ToList();
        // Normal apps use every scope they hold all the time: last used a few minutes before each evaluation.
        var used = Scopes.ToDictionary(s => s, _ => now.AddMinutes(-5), StringComparer.Ordinal);
        if (_injections.Any(i => i.DetectorId == "usage.unused-scope" && i.AppId == app))
        {
            granted.Add(new GrantedScope("admin.write", Start.AddDays(-40)));
        }

        return new UsageWindow(app, _rows[app], granted, used);
    }

    private void Generate()
    {
        foreach (var (app, peak) in Apps)
        {
            var rows = new List<UsageMinute>();
            for (var hour = Start; hour < Start + Length; hour = hour.AddHours(1))
            {
                var active = _injections.Where(i => i.AppId == app && i.From <= hour && hour < i.To).Select(i => i.DetectorId).ToHashSet();
                var expected = peak * Shape(hour);
                foreach (var installation in new[] { "tenant-a", "tenant-b" })
                {
                    rows.Add(Normal(app, installation, hour, expected / 2, active));
                }

                if (active.Contains("usage.tenant-enumeration"))
                {
                    for (var t = 0; t < 25; t++)
                    {
                        rows.Add(new UsageMinute(app, $"ghost-{t:00}", "GET /api/tenants/{id}/users", hour.AddMinutes(_random.Next(60)),
                            Calls: 2, Status4xx: 2, Forbidden403: 2, NotInstalledCalls: 2));
                    }
                }
            }

            _rows[app] = rows;
        }
    }

    private UsageMinute Normal(string app, string installation, DateTimeOffset hour, double expected, HashSet<string> active)
    {
        var calls = (long)Math.Round(expected * _random.Between(0.85, 1.15));
        if (active.Contains("usage.volume-spike"))
        {
            calls *= 10;
        }

        var client = (long)Math.Round(calls * 0.02 * _random.Between(0.5, 1.5));
        var server = (long)Math.Round(calls * 0.005 * _random.Between(0.5, 1.5));
        var unauthorized = _random.NextDouble() < 0.05 ? 1L : 0L;
        var scopeViolations = _random.NextDouble() < 0.01 ? 1L : 0L;
        var bytes = (long)Math.Round(calls * 2_000 * _random.Between(0.8, 1.2));
        var pages = (long)Math.Round(calls * 0.05 * _random.Between(0.8, 1.2));

        if (active.Contains("usage.auth-failure-burst"))
        {
            unauthorized += 400;
        }

        if (active.Contains("usage.scope-violation"))
        {
            scopeViolations += 40;
        }

        if (active.Contains("usage.error-rate-spike"))
        {
            client += (long)(calls * 0.4);
        }

        if (active.Contains("usage.bulk-export"))
        {
            // Same calls, but every call walks a page of the biggest size: data out of proportion to the call volume.
            pages = calls;
            bytes *= 20;
        }

        var total = calls + unauthorized + scopeViolations;
        var fourxx = client + unauthorized + scopeViolations;
        return new UsageMinute(app, installation, "GET /api/tenants/{id}/files", hour.AddMinutes(_random.Next(60)), total,
            Status2xx: Math.Max(0, total - fourxx - server), Status4xx: fourxx, Status5xx: server, Unauthorized401: unauthorized,
            Forbidden403: scopeViolations, ScopeViolations: scopeViolations, BytesOut: bytes, Pages: pages);
    }

    /// <summary>Diurnal (night floor, day bump peaking mid-afternoon) times weekday/weekend.</summary>
    private static double Shape(DateTimeOffset hour)
    {
        var h = hour.Hour + 0.5;
        var day = h is >= 6 and <= 22 ? Math.Sin(Math.PI * (h - 6) / 16) : 0;
        var weekend = hour.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.4 : 1;
        return (0.15 + 0.85 * day) * weekend;
    }
}
