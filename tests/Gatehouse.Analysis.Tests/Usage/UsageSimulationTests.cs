using Gatehouse.Analysis.Usage;
using Xunit.Abstractions;

namespace Gatehouse.Analysis.Tests.Usage;

/// <summary>Four simulated weeks of five apps: each injected abuse pattern is found by its detector, normal traffic raises nothing.</summary>
public sealed class UsageSimulationTests(ITestOutputHelper output)
{
    private const ulong Seed = 20;

    // Both runs are shared by the tests of this class: the simulation is deterministic, and running it once keeps the suite fast.
    private static readonly Lazy<(TrafficSimulator Simulator, IReadOnlyList<UsageAlert> Alerts)> Injected = new(() =>
    {
        var simulator = new TrafficSimulator(Seed, TrafficSimulator.StandardInjections());
        return (simulator, simulator.Run(UsageDetectors.All()));
    });

    private static readonly Lazy<IReadOnlyList<UsageAlert>> Clean = new(() => new TrafficSimulator(Seed, []).Run(UsageDetectors.All()));

    [Fact]
    public void EveryInjectedPatternIsDetectedByItsDetectorWithinTheInjectionWindow()
    {
        var (simulator, alerts) = Injected.Value;
        foreach (var injection in simulator.Injections)
        {
            Assert.Contains(alerts, a => Matches(a, injection));
        }
    }

    [Fact]
    public void EachDetectorHasFullRecallAndAtLeastNinetyPercentPrecision()
    {
        var (simulator, alerts) = Injected.Value;
        foreach (var detector in UsageDetectors.All())
        {
            var mine = alerts.Where(a => a.DetectorId == detector.Id).ToList();
            var injections = simulator.Injections.Where(i => i.DetectorId == detector.Id).ToList();
            var truePositives = mine.Count(a => injections.Any(i => Matches(a, i)));
            var found = injections.Count(i => mine.Any(a => Matches(a, i)));
            var precision = mine.Count == 0 ? 1 : (double)truePositives / mine.Count;
            var recall = injections.Count == 0 ? 1 : (double)found / injections.Count;
            output.WriteLine($"{detector.Id} v{detector.Version}: alerts {mine.Count}, true {truePositives}, precision {precision:0.000}, recall {recall:0.000} ({found}/{injections.Count})");

            Assert.Equal(1, recall);
            Assert.True(precision >= 0.9, $"{detector.Id}: precision {precision:0.000}");
        }
    }

    [Fact]
    public void FourWeeksOfNormalTrafficOfAllAppsRaiseNoAlert()
    {
        var alerts = Clean.Value;
        foreach (var alert in alerts)
        {
            output.WriteLine($"{alert.DetectorId} {alert.AppId} {alert.Evidence.From:O}: {alert.Explanation}");
        }

        // Zero, not "a few": the thresholds sit well outside what ±15 % noise and the background error rates can reach.
        Assert.Empty(alerts);
    }

    private static bool Matches(UsageAlert alert, TrafficSimulator.Injection injection) =>
        alert.DetectorId == injection.DetectorId && alert.AppId == injection.AppId
        && alert.Evidence.From < injection.To && injection.From < alert.Evidence.To;
}
