using Gatehouse.Analysis.Signing;
using Gatehouse.Analysis.Signing.Provenance;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Cluster;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Signing;

/// <summary>
/// The platform signing keys, cached in memory: the key that signs now (the newest neither superseded nor retired; the first
/// one is made on first use), and every key's public half for publishing and verifying. A rotation or retirement committed
/// by another instance reaches this one through <see cref="IClusterSignals"/> (Redis) at once; the ring is also reloaded
/// every 30 seconds, in case that signal was lost.
/// </summary>
internal sealed class PlatformKeyRing
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(30);
    private readonly IServiceScopeFactory scopes;
    private readonly IEnumerable<ISigningKeyProvider> providers;
    private readonly IOptions<SigningOptions> options;
    private readonly AuditLog audit;
    private readonly TimeProvider time;
    private readonly ILogger<PlatformKeyRing> logger;
    private readonly IClusterSignals _signals;

    public PlatformKeyRing(IServiceScopeFactory scopes, IEnumerable<ISigningKeyProvider> providers, IOptions<SigningOptions> options,
        AuditLog audit, TimeProvider time, ILogger<PlatformKeyRing> logger, IClusterSignals signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        this.scopes = scopes;
        this.providers = providers;
        this.options = options;
        this.audit = audit;
        this.time = time;
        this.logger = logger;
        _signals = signals;
        // Marked stale rather than dropped: the reload keeps the open signer of an unchanged active key.
        signals.Subscribe(ClusterTopics.SigningKeys, () => { if (_snapshot is { } s) _snapshot = s with { LoadedAt = DateTimeOffset.MinValue }; });
    }
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile Snapshot? _snapshot;
    private volatile Keyring? _keyring;

    private sealed record Snapshot(IReadOnlyList<SigningKey> Keys, PlatformSigner? Current, DateTimeOffset LoadedAt);
    private sealed record Keyring(string Of, byte[] Bytes);

    /// <summary>The key that signs now, created when there is none.</summary>
    public async Task<PlatformSigner> CurrentAsync(CancellationToken ct)
    {
        var s = await SnapshotAsync(ct);
        if (s.Current is not null) return s.Current;
        // Under the lock and after a fresh look, so two first uses in this process make one key; the creation is audited
        // like an admin's (signing.key-created by "system").
        await _lock.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
            if (PlatformKeyStatus.ActiveId(await db.Set<SigningKey>().AsNoTracking().ToListAsync(ct)) is null)
            {
                var row = Add(db, "system");
                audit.Record(db, new AuditEvent(SigningAuditActions.KeyCreated, "system", Subject: row.Id,
                    Data: new { provider = row.Provider, superseded = Array.Empty<string>(), reason = "first use" }));
                await db.SaveChangesAsync(ct);
                _signals.Publish(ClusterTopics.SigningKeys);
            }
        }
        finally
        {
            _lock.Release();
        }
        s = await ReloadAsync(ct);
        return s.Current ?? throw new InvalidOperationException("no platform signing key after creating one");
    }

    /// <summary>Every key (newest first), public halves and dates only.</summary>
    public async Task<IReadOnlyList<SigningKey>> KeysAsync(CancellationToken ct) => (await SnapshotAsync(ct)).Keys;

    /// <summary>
    /// The binary OpenPGP public keyring of the published (active and superseded) keys, the active one first, each with its stored
    /// creation time and <c>Signing:OpenPgpUserId</c> (<c>/.well-known/gatehouse/pubring.gpg</c>, for <c>helm verify
    /// --keyring</c>). Each key's self-signature needs its signer, so the ring is made once per set of keys and kept.
    /// Empty when no key is published.
    /// </summary>
    public async Task<byte[]> PublicKeyringAsync(CancellationToken ct)
    {
        var s = await SnapshotAsync(ct);
        var published = PlatformKeyStatus.InOrder(s.Keys).Where(k => k.RetiredAt is null).ToList();
        var userId = options.Value.OpenPgpUserId;
        var of = userId + "\n" + string.Join('\n', published.Select(k => k.Id + "@" + k.CreatedAt.ToUnixTimeSeconds()));
        if (_keyring is { } cached && string.Equals(cached.Of, of, StringComparison.Ordinal)) return cached.Bytes;
        using var ring = new MemoryStream();
        foreach (var key in published)
        {
            var signer = Provider(key.Provider).Open(key);
            try
            {
                if (!string.Equals(signer.KeyId, key.Id, StringComparison.Ordinal))
                    throw new InvalidOperationException($"signing key {key.Id}: the provider opened a different key ({signer.KeyId})");
                ring.Write(OpenPgpKey.PublicKeyring(signer, key.CreatedAt, userId));
            }
            finally
            {
                (signer as IDisposable)?.Dispose();
            }
        }
        var made = new Keyring(of, ring.ToArray());
        _keyring = made;
        return made.Bytes;
    }

    /// <summary>Reloads now (after this process committed a rotation or retirement) and tells the other instances.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        await ReloadAsync(ct);
        _signals.Publish(ClusterTopics.SigningKeys);
    }

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
            var activeId = PlatformKeyStatus.ActiveId(rows);
            var active = rows.FirstOrDefault(k => string.Equals(k.Id, activeId, StringComparison.Ordinal));
            PlatformSigner? current = null;
            // The signer of an unchanged active key is kept (opening it again every reload would decrypt the key, or call
            // the KMS, each time). A replaced signer is not disposed: a signature in progress may still hold it.
            if (active is not null && _snapshot?.Current is { } kept && string.Equals(kept.KeyId, active.Id, StringComparison.Ordinal))
            {
                current = kept;
            }
            else if (active is not null)
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
