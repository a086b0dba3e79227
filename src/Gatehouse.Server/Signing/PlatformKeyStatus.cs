namespace Gatehouse.Server.Signing;

/// <summary>
/// The status of a platform key, derived from its row and its siblings rather than stored: <c>active</c> is the newest key
/// neither superseded nor retired (the one that signs), <c>retired</c> has a retirement date, every other key is
/// <c>superseded</c> (still published, its signatures still verify). Deriving it means two racing rotations can never leave
/// two active keys: the newer one wins.
/// </summary>
internal static class PlatformKeyStatus
{
    public const string Active = "active";
    public const string Superseded = "superseded";
    public const string Retired = "retired";

    /// <summary>The id of the key that signs now, or null when every key is superseded or retired (or there is none).</summary>
    public static string? ActiveId(IEnumerable<SigningKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return keys.Where(k => k.SupersededAt is null && k.RetiredAt is null)
            .OrderByDescending(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal).FirstOrDefault()?.Id;
    }

    /// <summary>The status of <paramref name="key"/> given <see cref="ActiveId"/> of its ring.</summary>
    public static string Of(SigningKey key, string? activeId)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.RetiredAt is not null) return Retired;
        return string.Equals(key.Id, activeId, StringComparison.Ordinal) ? Active : Superseded;
    }

    /// <summary>The keys in the order they are shown and published: the active key first, then newest first.</summary>
    public static IEnumerable<SigningKey> InOrder(IReadOnlyCollection<SigningKey> keys)
    {
        var activeId = ActiveId(keys);
        return keys.OrderBy(k => string.Equals(k.Id, activeId, StringComparison.Ordinal) ? 0 : 1)
            .ThenByDescending(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal);
    }
}
