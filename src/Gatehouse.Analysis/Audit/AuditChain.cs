using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Gatehouse.Analysis.Audit;

/// <summary>
/// The hash chain of the audit log. Shared by the server (which appends) and the CLI (which
/// verifies independently from what the API returns), so both agree byte for byte.
/// <c>Hash(n) = SHA-256(bytes(Hash(n-1)) || canonical(n))</c> with 32 zero bytes before the first entry.
/// </summary>
public static class AuditChain
{
    /// <summary>Version tag inside the canonical form; bump it if the covered fields ever change.</summary>
    public const string FormatVersion = "gatehouse-audit/v1";

    /// <summary>The previous hash of the first entry.</summary>
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>
    /// The canonical form: a JSON array with a fixed field order, written by <see cref="Utf8JsonWriter"/>
    /// (deterministic escaping, no whitespace). Arrays keep order without relying on property ordering.
    /// </summary>
    public static byte[] Canonicalize(AuditEntryData e)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, SkipValidation = false }))
        {
            w.WriteStartArray();
            w.WriteStringValue(FormatVersion);
            w.WriteNumberValue(e.Sequence);
            w.WriteNumberValue(e.AtUnixMs);
            w.WriteStringValue(e.Actor);
            w.WriteStringValue(e.Action);
            WriteNullable(w, e.OrganizationId);
            WriteNullable(w, e.Subject);
            WriteNullable(w, e.ClientAddress);
            w.WriteStringValue(e.Data);
            w.WriteStringValue(e.PreviousHash);
            w.WriteEndArray();
        }
        return buffer.ToArray();
    }

    /// <summary>Computes the hash of <paramref name="e"/> from its previous hash and canonical form.</summary>
    public static string ComputeHash(AuditEntryData e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var prev = DecodeHash(e.PreviousHash) ?? new byte[32];
        var canonical = Canonicalize(e);
        var input = new byte[prev.Length + canonical.Length];
        prev.CopyTo(input, 0);
        canonical.CopyTo(input, prev.Length);
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }

    /// <summary>Returns <paramref name="e"/> with its <see cref="AuditEntryData.Hash"/> filled in.</summary>
    public static AuditEntryData Seal(AuditEntryData e) => e with { Hash = ComputeHash(e) };

    /// <summary>
    /// Verifies entries in sequence order, streaming: call <see cref="ChainVerifier.Add"/> for each.
    /// </summary>
    public static ChainVerifier CreateVerifier(long startSequence = 1, string? startPreviousHash = null) =>
        new(startSequence, startPreviousHash ?? GenesisHash);

    private static void WriteNullable(Utf8JsonWriter w, string? value)
    {
        if (value is null) w.WriteNullValue();
        else w.WriteStringValue(value);
    }

    private static byte[]? DecodeHash(string hex)
    {
        if (hex.Length != 64) return null;
        try { return Convert.FromHexString(hex); }
        catch (FormatException) { return null; }
    }
}

/// <summary>The first place where the chain does not hold.</summary>
/// <param name="Sequence">The sequence number where the break was found.</param>
/// <param name="Code">Stable ID: <c>audit.gap</c>, <c>audit.previous-mismatch</c>, <c>audit.hash-mismatch</c>, <c>audit.head-mismatch</c>.</param>
/// <param name="Message">What is wrong, for people.</param>
public sealed record ChainBreak(long Sequence, string Code, string Message);

/// <summary>Streaming verifier of the audit chain; stops at the first break.</summary>
public sealed class ChainVerifier
{
    private long _expectedSequence;
    private string _previousHash;

    internal ChainVerifier(long startSequence, string startPreviousHash)
    {
        _expectedSequence = startSequence;
        _previousHash = startPreviousHash;
    }

    /// <summary>The first break, once found.</summary>
    public ChainBreak? Break { get; private set; }

    /// <summary>How many entries were checked and held.</summary>
    public long Verified { get; private set; }

    /// <summary>Sequence of the last verified entry (0 when none).</summary>
    public long HeadSequence { get; private set; }

    /// <summary>Hash of the last verified entry.</summary>
    public string HeadHash => _previousHash;

    /// <summary>Checks the next entry. Returns false once the chain is broken.</summary>
    public bool Add(AuditEntryData e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (Break is not null) return false;
        if (e.Sequence != _expectedSequence)
        {
            Break = new ChainBreak(_expectedSequence, "audit.gap",
                e.Sequence > _expectedSequence
                    ? $"entries {_expectedSequence}..{e.Sequence - 1} are missing (deleted?)"
                    : $"entry {e.Sequence} appears again or out of order where {_expectedSequence} was expected");
            return false;
        }
        if (!string.Equals(e.PreviousHash, _previousHash, StringComparison.Ordinal))
        {
            Break = new ChainBreak(e.Sequence, "audit.previous-mismatch",
                $"entry {e.Sequence} names previous hash {Short(e.PreviousHash)} but the previous entry hashes to {Short(_previousHash)}");
            return false;
        }
        var computed = AuditChain.ComputeHash(e);
        if (!string.Equals(computed, e.Hash, StringComparison.Ordinal))
        {
            Break = new ChainBreak(e.Sequence, "audit.hash-mismatch",
                $"entry {e.Sequence} was altered: its content hashes to {Short(computed)}, stored {Short(e.Hash)}");
            return false;
        }
        _previousHash = e.Hash;
        HeadSequence = e.Sequence;
        _expectedSequence++;
        Verified++;
        return true;
    }

    /// <summary>
    /// Checks an anchor recorded earlier (sequence and hash of a past head), which also detects
    /// truncation of the newest entries, something a chain alone cannot show.
    /// </summary>
    public bool CheckAnchor(long sequence, string hash, IReadOnlyDictionary<long, string> seenHashes)
    {
        ArgumentNullException.ThrowIfNull(seenHashes);
        if (Break is not null) return false;
        if (!seenHashes.TryGetValue(sequence, out var seen))
        {
            Break = new ChainBreak(sequence, "audit.head-mismatch",
                $"anchored entry {sequence} is no longer in the log (newest is {HeadSequence}); entries were deleted from the end");
            return false;
        }
        if (!string.Equals(seen, hash, StringComparison.OrdinalIgnoreCase))
        {
            Break = new ChainBreak(sequence, "audit.head-mismatch",
                $"anchored entry {sequence} had hash {Short(hash)}, now {Short(seen)}: the chain was rewritten");
            return false;
        }
        return true;
    }

    private static string Short(string h) => h.Length > 12 ? h[..12] + "…" : h;
}
