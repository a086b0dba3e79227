using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Listing;

/// <summary>A listing policy and the version it is stored as.</summary>
public sealed record VersionedListingPolicy(int Version, ListingPolicy Policy);

/// <summary>
/// Versions of the listing policy. Versions are immutable, so parsed ones are cached for good, by content hash: a version
/// number names different policies in different databases (several servers in one process, as in the tests).
/// The file (or the default) is stored as a new version whenever its content differs from the
/// last version that came from the file; the admin API adds versions in between.
/// </summary>
public sealed class ListingPolicies(GatehouseDb db, AuditLog audit, TimeProvider time)
{
    private static readonly ConcurrentDictionary<string, ListingPolicy> Parsed = new(StringComparer.Ordinal);

    public async Task<VersionedListingPolicy> CurrentAsync(CancellationToken ct)
    {
        var row = await db.ListingPolicies.AsNoTracking().OrderByDescending(p => p.Version).FirstOrDefaultAsync(ct)
            ?? throw new InvalidOperationException("no listing policy is stored; start-up stores the default");
        return new VersionedListingPolicy(row.Version, Parse(row));
    }

    public async Task<VersionedListingPolicy?> GetAsync(int version, CancellationToken ct)
    {
        var row = await db.ListingPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Version == version, ct);
        return row is null ? null : new VersionedListingPolicy(row.Version, Parse(row));
    }

    public Task<List<ListingPolicyVersion>> ListAsync(CancellationToken ct) =>
        db.ListingPolicies.AsNoTracking().OrderByDescending(p => p.Version).ToListAsync(ct);

    /// <summary>
    /// Stores <paramref name="policy"/> as the next version (unless it equals the current one) and returns it. A new version
    /// is committed with <paramref name="audited"/> (its subject: the version number), when given, in one save (issue 14).
    /// </summary>
    public async Task<(VersionedListingPolicy Policy, bool Created)> PublishAsync(ListingPolicy policy, string source, string by, CancellationToken ct,
        AuditEvent? audited = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var json = policy.ToJson();
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
        var latest = await db.ListingPolicies.AsNoTracking().OrderByDescending(p => p.Version).FirstOrDefaultAsync(ct);
        if (latest is not null && latest.Sha256 == sha) return (new VersionedListingPolicy(latest.Version, Parse(latest)), false);
        var row = new ListingPolicyVersion
        {
            Version = (latest?.Version ?? 0) + 1, Json = json, Sha256 = sha, Source = source, CreatedBy = by, CreatedAt = time.GetUtcNow(),
        };
        db.ListingPolicies.Add(row);
        if (audited is not null)
            audit.Record(db, audited with { Subject = row.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await db.SaveChangesAsync(ct);
        return (new VersionedListingPolicy(row.Version, policy), true);
    }

    /// <summary>At start-up: the file (or the default) becomes a version if it changed since the file was last loaded.</summary>
    public async Task LoadAtStartAsync(string? file, CancellationToken ct)
    {
        var policy = string.IsNullOrWhiteSpace(file) ? new ListingPolicy() : ListingPolicy.Parse(await File.ReadAllTextAsync(file, ct));
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(policy.ToJson())));
        var lastFromFile = await db.ListingPolicies.AsNoTracking().Where(p => p.Source == "file")
            .OrderByDescending(p => p.Version).FirstOrDefaultAsync(ct);
        if (lastFromFile?.Sha256 == sha) return;
        await PublishAsync(policy, "file", "system", ct);
    }

    private static ListingPolicy Parse(ListingPolicyVersion row) => Parsed.GetOrAdd(row.Sha256, _ => ListingPolicy.Parse(row.Json));
}
