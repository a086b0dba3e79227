using System.Collections.Concurrent;

namespace Gatehouse.Server.Tests.Crash;

/// <summary>
/// What the clients saw during a burst: every request the server answered with a success (the server promised it),
/// every one it refused, and how many the kill cut off (no answer: it may or may not have happened).
/// </summary>
/// <param name="killAt">After this many successful answers <see cref="KillPoint"/> completes (0: never by count).</param>
internal sealed class BurstLedger(int killAt = 0)
{
    private readonly ConcurrentQueue<(string Version, string Step)> _accepted = new();
    private readonly ConcurrentQueue<(string Version, string Step, int Status)> _refused = new();
    private readonly TaskCompletionSource _killPoint = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _cutOff;
    private int _count;

    /// <summary>
    /// Completes once the server has answered <c>killAt</c> requests with success, or when the burst's submissions and
    /// decisions are all done (<see cref="Quiet"/>): a kill point that follows the server's progress, not the wall clock,
    /// so that it lands inside the burst on a fast machine and on a loaded one alike.
    /// </summary>
    public Task KillPoint => _killPoint.Task;

    public void Quiet() => _killPoint.TrySetResult();

    public void Accepted(string version, string step)
    {
        _accepted.Enqueue((version, step));
        if (Interlocked.Increment(ref _count) == killAt) _killPoint.TrySetResult();
    }
    public void Refused(string version, string step, int status) => _refused.Enqueue((version, step, status));
    public void CutOff() => Interlocked.Increment(ref _cutOff);

    public int CutOffCount => Volatile.Read(ref _cutOff);
    public IReadOnlyList<(string Version, string Step)> AcceptedSteps => [.. _accepted];
    public IReadOnlyList<(string Version, string Step, int Status)> RefusedSteps => [.. _refused];

    /// <summary>How many times <paramref name="step"/> was accepted, per version.</summary>
    public IReadOnlyDictionary<string, int> Count(string step) =>
        _accepted.Where(a => a.Step == step).GroupBy(a => a.Version).ToDictionary(g => g.Key, g => g.Count());
}
