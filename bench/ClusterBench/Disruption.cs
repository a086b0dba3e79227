using System.Globalization;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Scanning;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Bench.Cluster;

/// <summary>
/// The two disruptions, while the submissions are pushed: once scans are running, the worker that holds one is killed
/// with SIGKILL (the script does it; the work item's lease names the worker's machine and pid), and the second web
/// instance is restarted (SIGTERM, start again). Then it measures how long the killed worker's scans took to be taken up
/// again by the other worker (from the kill until another owner holds them, or they are finished).
/// </summary>
internal sealed class Disruption(ClusterSettings settings, ScriptControl control, Progress log)
{
    private TimeSpan? _pickup;
    private string? _restart;
    private readonly List<string> _problems = [];

    /// <summary>The killed worker's scan items (the ones it held when it died).</summary>
    public IReadOnlyList<Guid> KilledItems { get; private set; } = [];

    public bool Ok => _problems.Count == 0 && _pickup is not null && _restart is not null;

    public string PickupText => _pickup is { } p ? string.Create(CultureInfo.InvariantCulture, $"{p.TotalSeconds:0.0} s") : "NOT SEEN";

    public string RestartText => _restart ?? "NOT DONE";

    public IReadOnlyList<string> Problems => _problems;

    public async Task RunAsync(Task pushing)
    {
        try
        {
            var (owner, items) = await RunningScanAsync(pushing);
            if (owner is null)
            {
                _problems.Add("no scan was ever seen running: nothing was killed mid-scan");
                return;
            }
            KilledItems = items;
            var pid = owner.Split(':')[1];
            log.Say($"worker {owner} runs scan item(s) {string.Join(", ", items)}: killing it");
            // SIGKILL from here, at once: a round trip through the script's control files took over a second, and on an
            // idle machine the worker had finished its scans by then. The script is told afterwards (it checks the pid
            // is one of its workers, and kill -9 of a dead process changes nothing).
            try
            {
                using var victim = System.Diagnostics.Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture));
                victim.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                log.Say($"could not SIGKILL {pid} directly ({e.Message}); asking the script");
            }
            await control.AskAsync("kill-worker", pid, TimeSpan.FromSeconds(30));
            var killedAt = log.Elapsed;
            // The kill goes through the script (a file it polls): on a fast machine the worker may finish its items in
            // between, and then nothing was killed mid-scan. Only the items it still held at the kill count.
            await using (var db = settings.OpenDb())
                items = await db.WorkItems.AsNoTracking()
                    .Where(w => items.Contains(w.Id) && w.State == WorkState.Running && w.LeaseOwner == owner).Select(w => w.Id).ToListAsync();
            if (items.Count == 0)
            {
                _problems.Add("the worker finished its scans before the kill landed: nothing was killed mid-scan (run again)");
                log.Say("the kill landed after the worker's scans finished: not mid-scan");
                return;
            }
            KilledItems = items;
            log.Say($"{items.Count} scan item(s) were still running under the killed worker");
            // The restart of a web instance overlaps the take-over of the killed worker's scans.
            var restart = RestartAsync();
            _pickup = await PickupAsync(owner, items, killedAt);
            log.Say(_pickup is { } p ? $"the killed worker's scans were taken up again {p.TotalSeconds:0.0} s after the kill" : "the killed worker's scans were NOT taken up again");
            await restart;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            _problems.Add(e.Message);
            log.Say("disruption failed: " + e.Message);
        }
    }

    private async Task RestartAsync()
    {
        var web = settings.Web.Count;
        _restart = await control.AskAsync("restart-web", web.ToString(CultureInfo.InvariantCulture), TimeSpan.FromMinutes(3));
        log.Say($"web {web} restarted: {_restart}");
    }

    /// <summary>Waits (while submissions are still pushed, or for two minutes) for a scan item a worker runs; its owner and its items.</summary>
    private async Task<(string? Owner, List<Guid> Items)> RunningScanAsync(Task pushing)
    {
        var until = log.Elapsed + TimeSpan.FromMinutes(2);
        while (log.Elapsed < until)
        {
            await using var db = settings.OpenDb();
            // A few scans finished first: the workers are warm and a backlog is queued, so the kill is mid-run, not at start.
            var finished = await db.Scans.CountAsync(s => s.Purpose == ScanPurposes.Submission && s.State == ScanState.Done);
            if (finished >= Math.Min(10, settings.Submissions / 4))
            {
                var running = await db.WorkItems.AsNoTracking()
                    .Where(w => w.Kind == ScanArtifactHandler.KindName && w.State == WorkState.Running && w.LeaseOwner != null)
                    .Select(w => new { w.Id, w.LeaseOwner }).ToListAsync();
                if (running.Count > 0)
                {
                    var owner = running[0].LeaseOwner!;
                    return (owner, running.Where(r => r.LeaseOwner == owner).Select(r => r.Id).ToList());
                }
            }
            if (pushing.IsCompleted && finished >= settings.Submissions) break;
            await Task.Delay(100);
        }
        return (null, []);
    }

    private async Task<TimeSpan?> PickupAsync(string owner, List<Guid> items, TimeSpan killedAt)
    {
        var until = killedAt + TimeSpan.FromMinutes(5);
        while (log.Elapsed < until)
        {
            await using var db = settings.OpenDb();
            var rows = await db.WorkItems.AsNoTracking().Where(w => items.Contains(w.Id))
                .Select(w => new { w.State, w.LeaseOwner }).ToListAsync();
            if (rows.All(r => r.State is WorkState.Succeeded or WorkState.Failed || (r.LeaseOwner is not null && r.LeaseOwner != owner)))
                return log.Elapsed - killedAt;
            await Task.Delay(100);
        }
        return null;
    }
}
