using Gatehouse.Analysis.Signing;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Signing;

/// <summary>
/// The platform signing keys, cached in memory: the key that signs now (the newest neither superseded nor retired; the first
/// one is made on first use), and every key's public half for publishing and verifying. Reloaded every 30 seconds, so a
/// rotation or retirement made by another process is seen within that time.
/// </summary>
internal sealed class PlatformKeyRing(IServiceScopeFactory scopes, IEnumerable<ISigningKeyProvider> providers, IOptions<SigningOptions> options,
    TimeProvider time, ILogger<PlatformKeyRing> logger)
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(IReadOnlyList<SigningKey> Keys, PlatformSigner? Current, DateTimeOffset LoadedAt);

    /// <summary>The key that signs now, created when there is none.</summary>
    public async Task<PlatformSigner> CurrentAsync(CancellationToken ct)
    {
        var s = await SnapshotAsync(ct);
        if (s.Current is not null) return s.Current;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
            Add(db, "system");
            await db.SaveChangesAsync(ct);
        }
        s = await ReloadAsync(ct);
        return s.Current ?? throw new InvalidOperationException("no platform signing key after creating one");
    }

    /// <summary>Every key (newest first), public halves and dates only.</summary>
    public async Task<IReadOnlyList<SigningKey>> KeysAsync(CancellationToken ct) => (await SnapshotAsync(ct)).Keys;

    /// <summary>Reloads now (after this process committed a rotation or retirement).</summary>
    public Task RefreshAsync(CancellationToken ct) => ReloadAsync(ct);

    /// <summary>
    /// Adds a new key to <paramref name="db"/>'s unit of work with the configured provider; nothing is saved (the caller commits
    /// it with its audit entry, then calls <see cref="RefreshAsync"/>). Returns the row.
    /// </summary>
    public SigningKey Add(GatehouseDb db, string by)
    {
        ArgumentNullException.ThrowIfNull(db);
        var provider = Provider(options.Value.Provider);
        var row = new SigningKey { Id = "", Algorithm = "ES256", PublicKeyPem = "", Provider = provider.Name, CreatedAt = Truncate(time.GetUtcNow()), CreatedBy = by };
        var signer = provider.Create(row);
        (signer as IDisposable)?.Dispose();
        row.Id = signer.KeyId;
        row.PublicKeyPem = signer.PublicKey.ToPem();
        db.Add(row);
        return row;
    }

    private ISigningKeyProvider Provider(string name) =>
        providers.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal))
        ?? throw new InvalidOperationException($"no signing key provider named '{name}' (Signing:Provider)");

    // OpenPGP keeps creation times in whole seconds; the stored time is the one the OpenPGP key (and its fingerprint) uses.
    private static DateTimeOffset Truncate(DateTimeOffset t) => DateTimeOffset.FromUnixTimeSeconds(t.ToUnixTimeSeconds());

    private async Task<Snapshot> SnapshotAsync(CancellationToken ct)
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
            var rows = (await db.Set<SigningKey>().AsNoTracking().ToListAsync(ct)).OrderByDescending(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal).ToList();
            var active = rows.FirstOrDefault(k => k.SupersededAt is null && k.RetiredAt is null);
            PlatformSigner? current = null;
            if (active is not null)
            {
                var signer = Provider(active.Provider).Open(active);
                if (!string.Equals(signer.KeyId, active.Id, StringComparison.Ordinal))
                    throw new InvalidOperationException($"signing key {active.Id}: the provider opened a different key ({signer.KeyId})");
                current = new PlatformSigner(signer, active.Id, active.CreatedAt);
                logger.LogDebug("Platform signing key {KeyId} loaded", active.Id);
            }
            var snapshot = new Snapshot(rows, current, time.GetUtcNow());
            _snapshot = snapshot;
            return snapshot;
        }
        finally
        {
            _lock.Release();
        }
    }
}
