using System.Collections.Concurrent;

namespace Gatehouse.Server.Tests.Crash;

/// <summary>
/// What the clients saw during a burst: every request the server answered with a success (the server promised it),
/// every one it refused, and how many the kill cut off (no answer: it may or may not have happened).
/// </summary>
internal sealed class BurstLedger
{
    private readonly ConcurrentQueue<(string Version, string Step)> _accepted = new();
    private readonly ConcurrentQueue<(string Version, string Step, int Status)> _refused = new();
    private int _cutOff;

    public void Accepted(string version, string step) => _accepted.Enqueue((version, step));
    public void Refused(string version, string step, int status) => _refused.Enqueue((version, step, status));
    public void CutOff() => Interlocked.Increment(ref _cutOff);

    public int CutOffCount => Volatile.Read(ref _cutOff);
    public IReadOnlyList<(string Version, string Step)> AcceptedSteps => [.. _accepted];
    public IReadOnlyList<(string Version, string Step, int Status)> RefusedSteps => [.. _refused];

    /// <summary>How many times <paramref name="step"/> was accepted, per version.</summary>
    public IReadOnlyDictionary<string, int> Count(string step) =>
        _accepted.Where(a => a.Step == step).GroupBy(a => a.Version).ToDictionary(g => g.Key, g => g.Count());
}
