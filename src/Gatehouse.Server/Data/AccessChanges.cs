using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Data;

/// <summary>
/// A generation number of this host (one per server: two servers in one test process do not share it) that moves when a committed unit of work changed who may call the platform: API
/// keys, installations, access suspensions (kill switch, quarantine), apps and their versions (an app with no published
/// version is stopped). Caches of validated credentials keep the generation they read under and drop an entry as soon as
/// it moves, so a revocation made in this process is seen by the next call. Other instances are told through
/// <see cref="Cluster.IClusterSignals"/> (<c>GatehouseDb</c> publishes, <see cref="AccessChangeSubscription"/> bumps);
/// without Redis, or when a signal is lost, they see it when their own entries expire (their time to live). The number moves after the commit, never before, so a reader that raced the
/// commit stores its entry under the old generation, already stale.
/// </summary>
public sealed class AccessChanges
{
    private long _generation;

    /// <summary>The tables whose rows decide platform access.</summary>
    public static readonly FrozenSet<string> Tables =
        FrozenSet.Create(StringComparer.Ordinal, "api_keys", "installations", "app_access_suspensions", "apps", "app_versions");

    /// <summary>The current generation.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Moves the generation (after a commit that changed access).</summary>
    public void Bump() => Interlocked.Increment(ref _generation);

    /// <summary>True when the unit of work adds, changes or deletes a row of <see cref="Tables"/>.</summary>
    public static bool Touches(DbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)) continue;
            if (entry.Metadata.GetTableName() is { } table && Tables.Contains(table)) return true;
        }
        return false;
    }
}
