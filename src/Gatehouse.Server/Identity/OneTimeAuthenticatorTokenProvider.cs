using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Gatehouse.Server.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Identity;

/// <summary>
/// The last authenticator time step accepted for a user. A row of its own rather than a column of the Identity
/// user: Identity writes the whole user row back on every sign-in (failed-attempt counts, lock-out), and a
/// request holding an older copy of that row would otherwise put an older step back and reopen the replay.
/// </summary>
public sealed class TotpStepRecord
{
    public required string UserId { get; set; }
    /// <summary>RFC 6238 time step: Unix seconds / 30.</summary>
    public long LastAcceptedStep { get; set; }
}

/// <summary>
/// TOTP codes (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) that work once. A code is accepted only for a
/// time step later than the last one accepted for the user (RFC 6238 §5.2: "the verifier MUST NOT accept the
/// second attempt of the OTP after the successful validation has been issued for the first OTP"), and the step
/// is claimed with a conditional update in the database, so two requests with the same code, in one process or
/// several, cannot both succeed. Used for the second sign-in step and for confirming enrolment
/// (<see cref="TwoFactorApi"/>); recovery codes are single-use in Identity already.
/// </summary>
internal sealed class OneTimeAuthenticatorTokenProvider(GatehouseDb db, TimeProvider time) : IUserTwoFactorTokenProvider<GatehouseUser>
{
    /// <summary>Name under which it is registered as Identity's authenticator token provider.</summary>
    public const string ProviderName = "GatehouseAuthenticator";
    private const int StepSeconds = 30;
    // Steps either side of now that are accepted, as Identity's own provider does (phones whose clocks drift).
    private const int Drift = 2;

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<GatehouseUser> manager, GatehouseUser user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        return !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));
    }

    /// <summary>The authenticator app makes the codes; the server never does.</summary>
    public Task<string> GenerateAsync(string purpose, UserManager<GatehouseUser> manager, GatehouseUser user) => Task.FromResult("");

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<GatehouseUser> manager, GatehouseUser user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(user);
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrWhiteSpace(key) || token is not { Length: 6 } || !token.All(char.IsAsciiDigit)) return false;
        var step = MatchingStep(FromBase32(key), token, time.GetUtcNow());
        return step is not null && await ClaimStepAsync(user.Id, step.Value);
    }

    /// <summary>The time step near <paramref name="now"/> whose code is <paramref name="code"/>, nearest first; null if none.</summary>
    public static long? MatchingStep(byte[] key, string code, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(code);
        var current = now.ToUnixTimeSeconds() / StepSeconds;
        var presented = Encoding.ASCII.GetBytes(code);
        foreach (var offset in new[] { 0, -1, 1, -2, 2 }.Where(o => Math.Abs(o) <= Drift))
        {
            var expected = Encoding.ASCII.GetBytes(Code(key, current + offset));
            if (CryptographicOperations.FixedTimeEquals(expected, presented)) return current + offset;
        }
        return null;
    }

    /// <summary>The 6-digit code of <paramref name="step"/> (RFC 4226 §5.3 dynamic truncation).</summary>
    public static string Code(byte[] key, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        var hash = HMACSHA1.HashData(key, counter);
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// True when this request moved the user's last accepted step forward to <paramref name="step"/>; false when
    /// that step (or a later one) was accepted before. Atomic: a conditional UPDATE, or the INSERT of the first row,
    /// whose primary key lets only one of two racing inserts through.
    /// </summary>
    private async Task<bool> ClaimStepAsync(string userId, long step)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var moved = await db.TotpSteps.Where(s => s.UserId == userId && s.LastAcceptedStep < step)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.LastAcceptedStep, step));
            if (moved == 1) return true;
            if (await db.TotpSteps.AnyAsync(s => s.UserId == userId)) return false; // this step or a later one was used
            var row = new TotpStepRecord { UserId = userId, LastAcceptedStep = step };
            db.TotpSteps.Add(row);
            try
            {
                await db.SaveChangesAsync();
                return true;
            }
            catch (DbUpdateException)
            {
                // Another request inserted the first row at the same moment: compare against it.
            }
            finally
            {
                db.Entry(row).State = EntityState.Detached; // never left for Identity's next SaveChanges
            }
        }
        return false;
    }

    private static byte[] FromBase32(string s)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>(s.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in s)
        {
            if (char.IsWhiteSpace(c) || c == '=') continue;
            var v = alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal);
            if (v < 0) throw new FormatException("The authenticator key is not base32.");
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. bytes];
    }
}
