using System.Security.Cryptography;
using System.Text;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Identity;

/// <summary>
/// Issues and checks personal access tokens: <c>gatehouse_pat_{id}_{secret}</c>, 12 + 40 random
/// characters. The prefix lets secret scanners find leaked tokens; only an HMAC is stored.
/// </summary>
internal sealed class TokenService(GatehouseDb db, ServerKeys keys, TimeProvider time)
{
    public const string Prefix = "gatehouse_pat_";
    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const int IdLength = 12;
    private const int SecretLength = 40;

    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(90);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(366);
    // Tokens minted with tokens form chains; validation walks up at most this far (and refuses deeper ones).
    private const int MaxAncestry = 16;

    /// <summary>Creates a token; the clear value is returned here and never again.</summary>
    public async Task<(string Token, PersonalAccessToken Record)> IssueAsync(
        string userId, string name, IEnumerable<string> scopes, TimeSpan lifetime, CancellationToken ct, string? parentTokenId = null)
    {
        var issued = Add(userId, name, scopes, lifetime, parentTokenId);
        await db.SaveChangesAsync(ct);
        return issued;
    }

    /// <summary>
    /// Adds a new token to the unit of work without saving, so the caller commits it with its audit entry (issue 14);
    /// the clear value is returned here and never again.
    /// </summary>
    public (string Token, PersonalAccessToken Record) Add(string userId, string name, IEnumerable<string> scopes, TimeSpan lifetime, string? parentTokenId)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lifetime, MaxLifetime);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        var id = RandomNumberGenerator.GetString(IdAlphabet, IdLength);
        var token = $"{Prefix}{id}_{RandomNumberGenerator.GetString(SecretAlphabet, SecretLength)}";
        var now = time.GetUtcNow();
        var record = new PersonalAccessToken
        {
            Id = id,
            UserId = userId,
            Name = name,
            Scopes = string.Join(' ', scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
            Hmac = ComputeHmac(token),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
            ParentTokenId = parentTokenId,
        };
        db.PersonalAccessTokens.Add(record);
        return (token, record);
    }

    /// <summary>Checks a presented token. Returns the record, or null with a reason for the log.</summary>
    public async Task<(PersonalAccessToken? Record, string? Failure)> ValidateAsync(string presented, CancellationToken ct)
    {
        if (!TryParseId(presented, out var id)) return (null, "malformed");
        var record = await db.PersonalAccessTokens.FirstOrDefaultAsync(t => t.Id == id, ct);
        // Compare even when unknown, so timing does not tell which ids exist.
        var expected = Convert.FromHexString(record?.Hmac ?? new string('0', 64));
        var actual = Convert.FromHexString(ComputeHmac(presented));
        if (!CryptographicOperations.FixedTimeEquals(expected, actual) || record is null) return (null, "unknown");
        var now = time.GetUtcNow();
        if (record.RevokedAt is not null) return (null, "revoked");
        if (record.ExpiresAt <= now) return (null, "expired");
        // A token minted with a token dies with it. Revocation also marks the descendants (RevokeAsync); checking
        // the ancestors here as well closes the race of a child minted while its parent was being revoked.
        var ancestor = record.ParentTokenId;
        for (var depth = 0; ancestor is not null; depth++)
        {
            var a = await db.PersonalAccessTokens.AsNoTracking().Where(t => t.Id == ancestor)
                .Select(t => new { t.RevokedAt, t.ExpiresAt, t.ParentTokenId }).FirstOrDefaultAsync(ct);
            if (a is null || a.RevokedAt is not null || a.ExpiresAt <= now || depth >= MaxAncestry) return (null, "parent revoked");
            ancestor = a.ParentTokenId;
        }
        return (record, null);
    }

    /// <summary>The stored token <paramref name="id"/>, or null.</summary>
    public Task<PersonalAccessToken?> FindAsync(string id, CancellationToken ct) =>
        db.PersonalAccessTokens.FirstOrDefaultAsync(t => t.Id == id, ct);

    /// <summary>
    /// Revokes <paramref name="token"/> and every token minted with it, directly or through others. Returns the
    /// ids newly revoked, the token's own first (empty when it was revoked already and so were its descendants).
    /// </summary>
    public async Task<IReadOnlyList<string>> RevokeAsync(PersonalAccessToken token, CancellationToken ct)
    {
        var revoked = await MarkRevokedAsync(token, ct);
        await db.SaveChangesAsync(ct);
        return revoked;
    }

    /// <summary>
    /// Like <see cref="RevokeAsync"/>, but only marks the tokens in the unit of work: the caller saves, with its audit entry.
    /// </summary>
    public async Task<IReadOnlyList<string>> MarkRevokedAsync(PersonalAccessToken token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        var now = time.GetUtcNow();
        var revoked = new List<string>();
        var frontier = new List<PersonalAccessToken> { token };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (frontier.Count > 0)
        {
            foreach (var t in frontier.Where(t => seen.Add(t.Id)))
            {
                if (t.RevokedAt is not null) continue;
                t.RevokedAt = now;
                revoked.Add(t.Id);
            }
            var ids = frontier.Select(t => t.Id).ToList();
            frontier = (await db.PersonalAccessTokens.Where(t => t.ParentTokenId != null && ids.Contains(t.ParentTokenId)).ToListAsync(ct))
                .Where(t => !seen.Contains(t.Id)).ToList();
        }
        return revoked;
    }

    /// <summary>Records use, at most once a minute per token so reads do not become writes.</summary>
    public async Task TouchAsync(PersonalAccessToken record, string? from, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        var now = time.GetUtcNow();
        if (record.LastUsedAt is { } last && now - last < TimeSpan.FromMinutes(1) && record.LastUsedFrom == from) return;
        record.LastUsedAt = now;
        record.LastUsedFrom = from;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Strict syntax check: prefix, 12 id characters, underscore, 40 secret characters.</summary>
    public static bool TryParseId(string presented, out string id)
    {
        id = "";
        if (presented is null || presented.Length != Prefix.Length + IdLength + 1 + SecretLength) return false;
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var span = presented.AsSpan(Prefix.Length);
        if (span[IdLength] != '_') return false;
        foreach (var c in span[..IdLength]) if (!IdAlphabet.Contains(c, StringComparison.Ordinal)) return false;
        foreach (var c in span[(IdLength + 1)..]) if (!SecretAlphabet.Contains(c, StringComparison.Ordinal)) return false;
        id = span[..IdLength].ToString();
        return true;
    }

    private string ComputeHmac(string token) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(keys.TokenKey, Encoding.UTF8.GetBytes(token)));
}
