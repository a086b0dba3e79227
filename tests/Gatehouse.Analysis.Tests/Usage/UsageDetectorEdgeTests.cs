using Gatehouse.Analysis.Usage;

namespace Gatehouse.Analysis.Tests.Usage;

/// <summary>Hostile and edge inputs: empty windows, new apps, huge counts, clocks that go backwards, rows of another app.</summary>
public sealed class UsageDetectorEdgeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static List<UsageMinute> Steady(string app, int days, long callsPerHour)
    {
        var rows = new List<UsageMinute>();
        for (var hour = Now.AddDays(-days); hour < Now.AddHours(-1); hour = hour.AddHours(1))
        {
            // A small deterministic wobble, so the MAD is not zero.
            var wobble = hour.Hour % 3 - 1;
            rows.Add(new UsageMinute(app, "tenant-a", "GET /x", hour, callsPerHour + wobble * callsPerHour / 20, BytesOut: callsPerHour * 1000, Pages: callsPerHour / 20));
        }

        return rows;
    }

    private static UsageWindow Window(string app, List<UsageMinute> rows) =>
        new(app, rows, [], new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal));

    [Fact]
    public void AnEmptyWindowRaisesNothing()
    {
        Assert.Empty(UsageDetectors.DetectAll(UsageDetectors.All(), UsageWindow.Empty("app"), Now));
    }

    [Fact]
    public void ABrandNewAppRaisesNoVolumeSpikeBeforeSevenDaysOfData()
    {
        var rows = Steady("app", 6, 1000);
        rows.Add(new UsageMinute("app", "tenant-a", "GET /x", Now.AddMinutes(-30), 50_000));
        Assert.Empty(new VolumeSpikeDetector(UsageDetectorOptions.Default).Detect(Window("app", rows), Now));
    }

    [Fact]
    public void AnAppWithFourteenDaysOfDataRaisesAVolumeSpike()
    {
        var rows = Steady("app", 14, 1000);
        rows.Add(new UsageMinute("app", "tenant-a", "GET /x", Now.AddMinutes(-30), 50_000));
        var alert = Assert.Single(new VolumeSpikeDetector(UsageDetectorOptions.Default).Detect(Window("app", rows), Now));
        Assert.Equal(Now.AddHours(-1), alert.Evidence.From);
        Assert.Equal(50_000, alert.Evidence.Observed);
    }

    [Fact]
    public void AQuietAppDoesNotAlarmOnTinyNumbers()
    {
        var rows = Steady("app", 14, 5);
        rows.Add(new UsageMinute("app", "tenant-a", "GET /x", Now.AddMinutes(-30), 200));
        Assert.Empty(new VolumeSpikeDetector(UsageDetectorOptions.Default).Detect(Window("app", rows), Now));
    }

    [Fact]
    public void HugeCountsDoNotOverflow()
    {
        var rows = Steady("app", 14, 1000);
        for (var i = 0; i < 4; i++)
        {
            rows.Add(new UsageMinute("app", $"tenant-{i}", "GET /x", Now.AddMinutes(-30 + i), long.MaxValue, long.MaxValue, long.MaxValue, long.MaxValue,
                long.MaxValue, long.MaxValue, long.MaxValue, long.MaxValue, long.MaxValue, long.MaxValue));
        }

        var alerts = UsageDetectors.DetectAll(UsageDetectors.All(), Window("app", rows), Now);
        Assert.NotEmpty(alerts);
        Assert.All(alerts, a => Assert.True(double.IsFinite(a.Score) && double.IsFinite(a.Evidence.Observed), a.DetectorId));
    }

    [Fact]
    public void NegativeCountsFromABrokenMeterAreReadAsZero()
    {
        var rows = Steady("app", 14, 1000);
        rows.Add(new UsageMinute("app", "tenant-a", "GET /x", Now.AddMinutes(-30), long.MinValue, long.MinValue, long.MinValue, long.MinValue,
            long.MinValue, long.MinValue, long.MinValue, long.MinValue, long.MinValue, long.MinValue));
        Assert.Empty(UsageDetectors.DetectAll(UsageDetectors.All(), Window("app", rows), Now));
    }

    [Fact]
    public void RowsStampedAfterNowAreIgnored()
    {
        // The meter's clock went backwards relative to ours: its rows look like the future and must not count.
        var rows = Steady("app", 14, 1000);
        rows.Add(new UsageMinute("app", "tenant-a", "GET /x", Now.AddMinutes(30), 50_000, Unauthorized401: 50_000, ScopeViolations: 5_000));
        Assert.Empty(UsageDetectors.DetectAll(UsageDetectors.All(), Window("app", rows), Now));
    }

    [Fact]
    public void RowsOfAnotherAppAreIgnored()
    {
        var rows = Steady("app", 14, 1000);
        rows.Add(new UsageMinute("other", "tenant-a", "GET /x", Now.AddMinutes(-30), 50_000, Unauthorized401: 50_000));
        Assert.Empty(UsageDetectors.DetectAll(UsageDetectors.All(), Window("app", rows), Now));
    }

    [Fact]
    public void AScopeGrantedRecentlyOrUsedRecentlyIsNotReportedUnused()
    {
        var window = new UsageWindow("app", [],
            [new GrantedScope("new.scope", Now.AddDays(-3)), new GrantedScope("used.scope", Now.AddDays(-90)), new GrantedScope("idle.scope", Now.AddDays(-90))],
            new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal) { ["used.scope"] = Now.AddDays(-1), ["idle.scope"] = Now.AddDays(-45) });
        var alert = Assert.Single(new UnusedScopesDetector(UsageDetectorOptions.Default).Detect(window, Now));
        Assert.Equal(UsageSeverity.Low, alert.Severity);
        Assert.Contains("idle.scope", alert.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCatalogueListsSevenDetectorsWithDistinctIds()
    {
        var ids = UsageDetectors.All().Select(d => d.Id).ToList();
        Assert.Equal(7, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.StartsWith("usage.", id, StringComparison.Ordinal));
    }
}
