using System.Globalization;

namespace Gatehouse.Cli.Commands;

/// <summary>A head recorded earlier (<c>--expect-head SEQ:HASH</c>) that must still be in the chain.</summary>
/// <param name="Sequence">Sequence of the recorded head.</param>
/// <param name="Hash">Its hash, 64 hex digits.</param>
internal sealed record AuditAnchor(long Sequence, string Hash)
{
    /// <summary>Parses <c>SEQ:HASH</c>; a leading <c>#</c> (as printed by <c>audit verify</c>) is accepted.</summary>
    public static bool TryParse(string text, out AuditAnchor? anchor)
    {
        anchor = null;
        var parts = text.Trim().TrimStart('#').Split(':');
        if (parts.Length != 2) return false;
        if (!long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) || sequence < 1) return false;
        var hash = parts[1].Trim();
        if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigit)) return false;
        anchor = new AuditAnchor(sequence, hash.ToLowerInvariant());
        return true;
    }
}
