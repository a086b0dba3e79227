using System.Collections.Concurrent;
using Gatehouse.Server.Data;

namespace Gatehouse.Server.ApiKeys;

/// <summary>
/// Keys that passed every check of <see cref="ApiKeyService.ValidateAsync"/> recently, so that a busy integration's calls
/// cost no database reads (issue 20: the gateway's overhead). Keyed by the key's HMAC, never the clear key. An entry is
/// used only while (1) no unit of work changed platform access since it was stored (<see cref="AccessChanges"/>:
/// revoking a key, the kill switch, an uninstall or a quarantine on this process is seen by the very next call),
/// (2) it is younger than <c>ApiKeys:ValidationCacheSeconds</c> (default 5; the bound for a change made by another
/// process; 0 turns the cache off), and (3) the key has not expired. Only successes are cached: a refused key is
/// checked against the database every time.
/// </summary>
public sealed class ApiKeyValidationCache(IConfiguration configuration, TimeProvider time, AccessChanges changes)
{
    /// <summary>At most this many keys are held; past it the cache starts again empty (a flood of distinct valid keys is not a thing).</summary>
    public const int MaxEntries = 10_000;

    private sealed record Entry(ApiKey Key, long Generation, DateTimeOffset StoredAt);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeSpan _timeToLive = TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("ApiKeys:ValidationCacheSeconds", 5.0), 0, 60));

    /// <summary>The generation to store a validation under: read it BEFORE the database.</summary>
    public long Generation => changes.Generation;

    /// <summary>The cached key for this HMAC, when it may be used now.</summary>
    public ApiKey? Find(string hmac)
    {
        if (_timeToLive <= TimeSpan.Zero || !_entries.TryGetValue(hmac, out var entry)) return null;
        var now = time.GetUtcNow();
        if (entry.Generation == changes.Generation && now - entry.StoredAt < _timeToLive && entry.Key.ExpiresAt > now)
            return entry.Key;
        _entries.TryRemove(new KeyValuePair<string, Entry>(hmac, entry));
        return null;
    }

    /// <summary>Stores a key that passed every check, read under <paramref name="generation"/>.</summary>
    public void Store(string hmac, ApiKey key, long generation)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_timeToLive <= TimeSpan.Zero || generation != changes.Generation) return;
        if (_entries.Count >= MaxEntries) _entries.Clear();
        _entries[hmac] = new Entry(Snapshot(key), generation, time.GetUtcNow());
    }

    /// <summary>A detached copy: the cached key is shared by concurrent calls and must not be tracked by any unit of work.</summary>
    private static ApiKey Snapshot(ApiKey k) => new()
    {
        Id = k.Id, AppId = k.AppId, OrganizationId = k.OrganizationId, TenantId = k.TenantId, Name = k.Name, Scopes = k.Scopes,
        Live = k.Live, Hmac = k.Hmac, CreatedBy = k.CreatedBy, CreatedAt = k.CreatedAt, ExpiresAt = k.ExpiresAt,
        LastUsedAt = k.LastUsedAt, LastUsedFrom = k.LastUsedFrom, RevokedAt = k.RevokedAt, ReplacedBy = k.ReplacedBy,
    };
}
