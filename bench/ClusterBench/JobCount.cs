using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Bench.Cluster;

/// <summary>
/// How many Hangfire jobs the run made for how many work items: every job beyond one per item is a duplicate hand-over
/// (each costs a job and a claim attempt). Read from the shared storage (schema <c>hangfire</c>) at the end.
/// </summary>
internal static class JobCount
{
    public static async Task<string> RunAsync(ClusterSettings settings)
    {
        await using var db = settings.OpenDb();
        var jobs = await db.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM hangfire.job").SingleAsync();
        var items = await db.WorkItems.LongCountAsync();
        var attempts = await db.WorkItems.SumAsync(w => (long)w.Attempts);
        return $"cluster: {jobs} Hangfire jobs for {items} work items ({jobs - items} beyond one each), {attempts} claims";
    }
}
