using Gatehouse.Server.Apps;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Bench.Cluster;

/// <summary>Waits (bounded by <see cref="ClusterSettings.Wait"/>) until no version of the run waits for a scan, printing the states as it goes.</summary>
internal static class Completion
{
    public static async Task<TimeSpan> WaitAsync(ClusterSettings settings, ClusterSeed world, Progress log)
    {
        var start = log.Elapsed;
        var lastReport = start - TimeSpan.FromMinutes(1);
        while (true)
        {
            await using var db = settings.OpenDb();
            var states = await db.AppVersions.AsNoTracking().Where(v => v.AppId == world.AppId)
                .GroupBy(v => v.State).Select(g => new { State = g.Key, Count = g.Count() }).ToListAsync();
            var waiting = states.Where(s => s.State is VersionStates.Submitted or VersionStates.Scanning or VersionStates.Draft).Sum(s => s.Count);
            var waited = log.Elapsed - start;
            if (waiting == 0 || waited > settings.Wait || log.Elapsed - lastReport >= TimeSpan.FromSeconds(5))
            {
                log.Say("versions: " + string.Join(", ", states.OrderBy(s => s.State, StringComparer.Ordinal).Select(s => $"{s.Count} {s.State}")));
                lastReport = log.Elapsed;
            }
            if (waiting == 0) return waited;
            if (waited > settings.Wait)
            {
                log.Say($"gave up waiting after {settings.Wait.TotalSeconds:0} s: {waiting} version(s) still wait for a scan");
                return waited;
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}
