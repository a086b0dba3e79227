using System.Security.Cryptography;
using Gatehouse.Server.Cluster;
using Gatehouse.Server.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Downloads;

/// <summary>
/// The download URL keys, cached in memory (verification does no database work). The cache is reloaded every
/// 30 seconds, and at once (at most once a second) when a URL names a key it does not know. A rotation or retirement
/// committed by another instance reaches this one through <see cref="IClusterSignals"/> (Redis) at once, and within
/// 30 seconds when that signal is lost. The first key is made on first use.
/// </summary>
public sealed class DownloadKeyRing
{
    private const string Purpose = "Gatehouse.Downloads.UrlKeys.v1";
    private readonly IServiceScopeFactory scopes;
    private readonly TimeProvider time;
    private readonly IOptions<DownloadOptions> options;
    private readonly ILogger<DownloadKeyRing> logger;
    private readonly IClusterSignals _signals;
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(30);
    private readonly IDataProtector _protector;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile Snapshot? _snapshot;
    private DateTimeOffset _lastMissReload;

    public DownloadKeyRing(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider time,
        IOptions<DownloadOptions> options, ILogger<DownloadKeyRing> logger, IClusterSignals signals)
    {
        ArgumentNullException.ThrowIfNull(protection);
        ArgumentNullException.ThrowIfNull(signals);
        this.scopes = scopes;
        this.time = time;
        this.options = options;
        this.logger = logger;
        _protector = protection.CreateProtector(Purpose);
        _signals = signals;
        // Another instance rotated or retired a key: the next use reloads (a retired key stops verifying here at once).
        signals.Subscribe(ClusterTopics.DownloadKeys, () => { if (_snapshot is { } s) _snapshot = s with { LoadedAt = DateTimeOffset.MinValue }; });
    }

    private sealed record Entry(string Id, byte[] Secret, DateTimeOffset CreatedAt, DateTimeOffset? RetiresAt);
    private sealed record Snapshot(IReadOnlyDictionary<string, Entry> Keys, Entry? Signing, DateTimeOffset LoadedAt);

    /// <summary>The key that signs new URLs (the newest one not retiring), created when there is none.</summary>
    public async Task<(string Id, byte[] Secret)> SigningKeyAsync(CancellationToken ct)
    {
        var s = await CurrentAsync(ct);
        if (s.Signing is null)
        {
            await CreateAsync("system", ct);
            s = await ReloadAsync(ct);
        }
        return (s.Signing!.Id, s.Signing.Secret);
    }

    /// <summary>The secret of <paramref name="kid"/> if it may verify now; otherwise why not.</summary>
    public async Task<(byte[]? Secret, UrlRefusal Refusal)> VerifyingKeyAsync(string kid, CancellationToken ct)
    {
        var s = await CurrentAsync(ct);
        if (!s.Keys.TryGetValue(kid, out var e))
        {
            var now = time.GetUtcNow();
            if (now - _lastMissReload >= TimeSpan.FromSeconds(1))
            {
                _lastMissReload = now;
                s = await ReloadAsync(ct);
            }
            if (!s.Keys.TryGetValue(kid, out e)) return (null, UrlRefusal.UnknownKey);
        }
        if (e.RetiresAt is { } r && r <= time.GetUtcNow()) return (null, UrlRefusal.RetiredKey);
        return (e.Secret, UrlRefusal.None);
    }

    /// <summary>
    /// Adds a new signing key to <paramref name="db"/>'s unit of work; keys still active retire after
    /// <paramref name="overlap"/> (default: the longest URL lifetime, so no URL already handed out breaks). Returns the new
    /// key id. Nothing is saved: the caller commits the rotation with its audit entry, then calls <see cref="RefreshAsync"/>.
    /// </summary>
    public async Task<string> AddRotationAsync(GatehouseDb db, string by, TimeSpan? overlap, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var window = overlap ?? options.Value.MaxLifetime;
        var now = time.GetUtcNow();
        var end = now + window;
        foreach (var k in await db.Set<DownloadKey>().Where(k => k.RetiresAt == null).ToListAsync(ct))
            k.RetiresAt = end;
        foreach (var k in (await db.Set<DownloadKey>().Where(k => k.RetiresAt != null).ToListAsync(ct)).Where(k => k.RetiresAt > end))
            k.RetiresAt = end;
        var id = NewKey(db, by);
        db.AfterCommit(() => logger.LogInformation("Download URL key {KeyId} created by {By}", id, by));
        return id;
    }

    /// <summary>
    /// Retires a key now in <paramref name="db"/>'s unit of work: once committed, URLs signed with it stop working. The signing
    /// key cannot be retired (rotate first). Nothing is saved: the caller commits it with its audit entry, then calls
    /// <see cref="RefreshAsync"/>.
    /// </summary>
    public async Task<bool?> RetireAsync(GatehouseDb db, string kid, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var key = await db.Set<DownloadKey>().FirstOrDefaultAsync(k => k.Id == kid, ct);
        if (key is null) return null;
        if (key.RetiresAt is null) return false;
        var now = time.GetUtcNow();
        if (key.RetiresAt > now) key.RetiresAt = now;
        return true;
    }

    /// <summary>Reloads the keys now (after a committed rotation or retirement, so this process sees it at once) and tells the other instances.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        await ReloadAsync(ct);
        _signals.Publish(ClusterTopics.DownloadKeys);
    }

    public async Task<IReadOnlyList<DownloadKey>> ListAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        return (await db.Set<DownloadKey>().AsNoTracking().ToListAsync(ct)).OrderByDescending(k => k.CreatedAt).ToList();
    }

    private async Task<string> CreateAsync(string by, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        var id = NewKey(db, by);
        await db.SaveChangesAsync(ct);
        _signals.Publish(ClusterTopics.DownloadKeys);
        logger.LogInformation("Download URL key {KeyId} created by {By}", id, by);
        return id;
    }

    private string NewKey(GatehouseDb db, string by)
    {
        var id = "dk" + DownloadUrls.Base64Url(RandomNumberGenerator.GetBytes(9));
        var secret = RandomNumberGenerator.GetBytes(32);
        db.Add(new DownloadKey
        {
            Id = id, ProtectedSecret = _protector.Protect(Convert.ToBase64String(secret)), CreatedAt = time.GetUtcNow(), CreatedBy = by,
        });
        return id;
    }

    private async Task<Snapshot> CurrentAsync(CancellationToken ct)
    {
        var s = _snapshot;
        if (s is not null && time.GetUtcNow() - s.LoadedAt < Refresh) return s;
        return await ReloadAsync(ct);
    }

    private async Task<Snapshot> ReloadAsync(CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
            var rows = await db.Set<DownloadKey>().AsNoTracking().ToListAsync(ct);
            var entries = rows.Select(r => new Entry(r.Id, Convert.FromBase64String(_protector.Unprotect(r.ProtectedSecret)), r.CreatedAt, r.RetiresAt))
                .ToDictionary(e => e.Id, StringComparer.Ordinal);
            var signing = entries.Values.Where(e => e.RetiresAt is null).OrderByDescending(e => e.CreatedAt).FirstOrDefault();
            var snapshot = new Snapshot(entries, signing, time.GetUtcNow());
            _snapshot = snapshot;
            return snapshot;
        }
        finally
        {
            _lock.Release();
        }
    }
}
