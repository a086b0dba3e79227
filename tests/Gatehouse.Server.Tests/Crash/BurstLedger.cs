using System.Collections.Concurrent;

namespace Gatehouse.Server.Tests.Crash;

/// <summary>
/// What the clients saw during a burst: every request the server answered with a success (the server promised it),
/// every one it refused, how many the kill cut off (no answer: it may or may not have happened), per step, and which
/// requests were in flight at any moment (so the round can say what the kill landed in).
/// </summary>
/// <param name="killAt">After this many successful answers <see cref="KillPoint"/> completes (0: never by count).</param>
internal sealed class BurstLedger(int killAt = 0)
{
    private readonly ConcurrentQueue<(string Version, string Step)> _accepted = new();
    private readonly ConcurrentQueue<(string Version, string Step, int Status)> _refused = new();
    private readonly ConcurrentQueue<string> _cutOff = new();
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _corrupt = new();
    private readonly TaskCompletionSource _killPoint = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;
    private int _downloadsSent;
    private readonly ConcurrentDictionary<string, bool> _answeredUrls = new(StringComparer.Ordinal);
    private string? _lastUrl;

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
    public void CutOff(string step) => _cutOff.Enqueue(step);

    /// <summary>A request of <paramref name="step"/> was sent and has no answer yet (a download: its body is still arriving).</summary>
    public void Begin(string step) => _inFlight.AddOrUpdate(step, 1, (_, n) => n + 1);
    public void End(string step) => _inFlight.AddOrUpdate(step, 0, (_, n) => n - 1);
    public int InFlight(string step) => _inFlight.GetValueOrDefault(step);

    /// <summary>What was in flight now, per step (the caller reads it at the kill).</summary>
    public IReadOnlyDictionary<string, int> InFlightNow() => _inFlight.Where(kv => kv.Value > 0).ToDictionary(kv => kv.Key, kv => kv.Value);

    /// <summary>A GET of a download URL was sent.</summary>
    public void DownloadSent() => Interlocked.Increment(ref _downloadsSent);
    /// <summary>
    /// A download through <paramref name="url"/> was answered 200: the server has recorded it (it records before it
    /// streams) unless this process already recorded that URL for this address within <c>Downloads:CountWindow</c>.
    /// Two URLs issued in the same second are the same URL (the signature covers the expiry in seconds), so what the
    /// server must have recorded is one per distinct URL answered, not one per 200.
    /// </summary>
    public void DownloadAnswered(string url) => _answeredUrls.TryAdd(url, true);
    /// <summary>A download that arrived whole but not as the file: the wrong length or digest.</summary>
    public void Corrupt(string what) => _corrupt.Enqueue(what);
    /// <summary>The last URL issued, still valid after the restart (URLs live 15 minutes).</summary>
    public void Issued(string url) => Volatile.Write(ref _lastUrl, url);

    public int CutOffCount => _cutOff.Count;
    public IReadOnlyDictionary<string, int> CutOffSteps => _cutOff.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
    public int DownloadsSent => Volatile.Read(ref _downloadsSent);
    /// <summary>Distinct URLs answered 200 (see <see cref="DownloadAnswered"/>).</summary>
    public int DownloadsAnswered => _answeredUrls.Count;
    public IReadOnlyList<string> CorruptDownloads => [.. _corrupt];
    public string? LastUrl => Volatile.Read(ref _lastUrl);
    public IReadOnlyList<(string Version, string Step)> AcceptedSteps => [.. _accepted];
    public IReadOnlyList<(string Version, string Step, int Status)> RefusedSteps => [.. _refused];

    /// <summary>How many times <paramref name="step"/> was accepted, per version.</summary>
    public IReadOnlyDictionary<string, int> Count(string step) =>
        _accepted.Where(a => a.Step == step).GroupBy(a => a.Version).ToDictionary(g => g.Key, g => g.Count());
}
