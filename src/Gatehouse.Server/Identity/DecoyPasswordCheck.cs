using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Gatehouse.Server.Identity;

/// <summary>
/// A password verification that decides nothing: the presented password against the hash of a random one, made
/// once with the server's own hasher and settings, so it costs what a real check costs. Sign-in runs it for an
/// unknown e-mail and for a locked-out account, where Identity would answer without hashing and the time taken
/// would tell an outsider which addresses have accounts.
/// </summary>
internal sealed class DecoyPasswordCheck(IPasswordHasher<GatehouseUser> hasher, DecoyPasswordCheck.Hash hash)
{
    private static readonly GatehouseUser Nobody = new() { Id = "decoy" };

    /// <summary>Verifies <paramref name="password"/> against the decoy hash; the answer is always ignored.</summary>
    public void Verify(string? password) =>
        _ = hasher.VerifyHashedPassword(Nobody, hash.Value(hasher), password ?? "");

    /// <summary>The decoy hash, made on first use (one per server, with the hasher it will be checked by).</summary>
    public sealed class Hash
    {
        private string? _value;

        internal string Value(IPasswordHasher<GatehouseUser> hasher) =>
            _value ??= hasher.HashPassword(Nobody, RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 32));
    }
}
