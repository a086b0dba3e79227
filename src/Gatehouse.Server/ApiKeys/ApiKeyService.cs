using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using Gatehouse.Analysis.Analyzers.Secrets;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.ApiKeys;

/// <summary>
/// Issues, checks, rotates and revokes API keys (<see cref="GatehouseApiKeyFormat"/>). Stored like personal
/// access tokens: <c>HMAC-SHA256(server token key, key)</c>, compared in constant time. A key whose
/// checksum fails is refused before any database lookup.
/// </summary>
public sealed class ApiKeyService(GatehouseDb db, ServerKeys keys, TimeProvider time, ApiKeyMetrics metrics, OAuth.AppAccessGate gate,
    ApiKeyValidationCache cache)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(90);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(365);
    public static readonly TimeSpan MaxOverlap = TimeSpan.FromHours(168);

    /// <summary>Creates a key; the clear value is returned here and never again.</summary>
    public async Task<(string Key, ApiKey Record)> IssueAsync(Guid appId, Guid organizationId, Guid? tenantId, string name,
        IEnumerable<string> scopes, TimeSpan lifetime, string createdBy, bool live, CancellationToken ct)
    {
        var issued = Add(appId, organizationId, tenantId, name, scopes, lifetime, createdBy, live);
        await db.SaveChangesAsync(ct);
        return issued;
    }

    /// <summary>
    /// Adds a new key to the unit of work without saving, so the caller commits it with its audit entry (issue 14);
    /// the clear value is returned here and never again.
    /// </summary>
    public (string Key, ApiKey Record) Add(Guid appId, Guid organizationId, Guid? tenantId, string name,
        IEnumerable<string> scopes, TimeSpan lifetime, string createdBy, bool live)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lifetime, MaxLifetime);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        var (key, id) = GatehouseApiKeyFormat.Generate(live);
        var now = time.GetUtcNow();
        var record = new ApiKey
        {
            Id = id,
            AppId = appId,
            OrganizationId = organizationId,
            TenantId = tenantId,
            Name = name,
            Scopes = string.Join(' ', scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
            Live = live,
            Hmac = ComputeHmac(key),
            CreatedBy = createdBy,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        db.ApiKeys.Add(record);
        return (key, record);
    }

    /// <summary>After a refused <see cref="ValidateAsync"/>: the key its id named, when that key exists (for the usage metering).</summary>
    public ApiKey? Refused { get; private set; }

    /// <summary>Checks a presented key. Returns the record, or null with a reason for the log and metrics.</summary>
    public async Task<(ApiKey? Record, string? Failure)> ValidateAsync(string presented, CancellationToken ct)
    {
        Refused = null;
        // Shape and CRC-32 first: a typo or a made-up key never reaches the database.
        if (!GatehouseApiKeyFormat.TryParse(presented, out var id, out _)) return Result(null, "malformed");
        var hmac = ComputeHmac(presented);
        // A key that passed every check below moments ago, with no access change since: no database read (ApiKeyValidationCache).
        if (cache.Find(hmac) is { } known) return Result(known, null);
        var generation = cache.Generation; // read before the database, so a change racing these reads is not cached
        var record = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        // Compare even when unknown, so timing does not tell which ids exist.
        var expected = Convert.FromHexString(record?.Hmac ?? new string('0', 64));
        var actual = Convert.FromHexString(hmac);
        // A known id with a wrong secret, or a known key refused below: the metering counts the 401 against its app.
        Refused = record;
        if (!CryptographicOperations.FixedTimeEquals(expected, actual) || record is null) return Result(null, "unknown");
        if (record.RevokedAt is not null) return Result(null, "revoked");
        if (record.ExpiresAt <= time.GetUtcNow()) return Result(null, "expired");
        // The kill switch revokes keys; the gate also refuses every key, old or new, while the app's access is
        // suspended or it has no published version (app-suspended, app-stopped).
        if (await gate.RefusalAsync(record.AppId, ct) is { } refusal)
            return Result(null, refusal.Code);
        // A tenant's key works only while the app is installed there.
        if (record.TenantId is { } tenant && !await db.Set<OAuth.Installation>()
                .AnyAsync(i => i.TenantId == tenant && i.AppId == record.AppId && i.UninstalledAt == null, ct))
            return Result(null, "not-installed");
        Refused = null;
        cache.Store(hmac, record, generation);
        return Result(record, null);
    }

    private (ApiKey?, string?) Result(ApiKey? record, string? failure)
    {
        metrics.Authentication(failure ?? "ok");
        return (record, failure);
    }

    /// <summary>Records use, at most once a minute per key and address so reads do not become writes.</summary>
    public async Task TouchAsync(ApiKey record, string? from, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        var now = time.GetUtcNow();
        if (!NeedsTouch(record, from, now)) return;
        record.LastUsedAt = now;
        record.LastUsedFrom = from;
        // A direct update, not a save of the unit of work: the record may be the cache's detached copy, and a use is not
        // an access change (it must not empty the credential caches once a minute per key).
        await db.ApiKeys.Where(k => k.Id == record.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(k => k.LastUsedAt, now).SetProperty(k => k.LastUsedFrom, from), ct);
    }

    /// <summary>
    /// Adds the successor of <paramref name="old"/> (same app, tenant, name, scopes and lifetime) and lets
    /// the old key live on for <paramref name="overlap"/> at most, so integrations can switch without downtime.
    /// Nothing is saved: the caller commits both keys with the audit entry in one save.
    /// </summary>
    public (string Key, ApiKey Record) AddRotation(ApiKey old, TimeSpan overlap, string by)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(overlap, MaxOverlap);
        ArgumentOutOfRangeException.ThrowIfLessThan(overlap, TimeSpan.Zero);
        var lifetime = old.ExpiresAt - old.CreatedAt;
        if (lifetime > MaxLifetime || lifetime <= TimeSpan.Zero) lifetime = DefaultLifetime;
        var (key, record) = Add(old.AppId, old.OrganizationId, old.TenantId, old.Name, old.ScopeList, lifetime, by, old.Live);
        var end = time.GetUtcNow() + overlap;
        if (end < old.ExpiresAt) old.ExpiresAt = end;
        old.ReplacedBy = record.Id;
        return (key, record);
    }

    private string ComputeHmac(string key) => Hmac(keys, key);

    /// <summary>The stored form of a key: <c>HMAC-SHA256(server token key, key)</c>, lower-case hex.</summary>
    internal static string Hmac(ServerKeys serverKeys, string key) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(serverKeys.TokenKey, Encoding.UTF8.GetBytes(key)));

    /// <summary>Whether <see cref="TouchAsync"/> would write: the last use is over a minute old or from another address.</summary>
    internal static bool NeedsTouch(ApiKey record, string? from, DateTimeOffset now) =>
        record.LastUsedAt is not { } last || now - last >= TimeSpan.FromMinutes(1) || record.LastUsedFrom != from;
}

/// <summary>
/// <c>gatehouse.api_keys.authentications</c> (tag <c>result</c>: ok, malformed, unknown, revoked, expired, app-suspended, app-stopped, not-installed,
/// wrong-endpoint): what usage monitoring watches for bursts of bad keys.
/// </summary>
public sealed class ApiKeyMetrics
{
    public const string MeterName = "Gatehouse.ApiKeys";
    private readonly Counter<long> _authentications;

    public ApiKeyMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _authentications = meters.Create(MeterName).CreateCounter<long>("gatehouse.api_keys.authentications");
    }

    public void Authentication(string result) => _authentications.Add(1, new KeyValuePair<string, object?>("result", result));
}
