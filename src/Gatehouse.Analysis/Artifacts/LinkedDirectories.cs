namespace Gatehouse.Analysis.Artifacts;

/// <summary>
/// The symbolic links one archive level has stored so far, so that a later entry whose path runs through one of them
/// (<c>conf -&gt; /etc</c>, then <c>conf/cron.d/job</c>) is caught: an extractor that follows the link writes there.
/// Any link counts, not only one that escapes: links that each stay inside can chain to outside.
/// </summary>
internal sealed class LinkedDirectories
{
    private readonly HashSet<string> _links = new(StringComparer.Ordinal);

    /// <summary>Remembers a symbolic link entry.</summary>
    public void Add(string rawName)
    {
        var key = EntryNames.PathKey(rawName);
        if (key.Length > 0) _links.Add(key);
    }

    /// <summary>The stored link that <paramref name="rawName"/> runs through (a proper prefix of its path), or null.</summary>
    public string? Through(string rawName)
    {
        if (_links.Count == 0) return null;
        var key = EntryNames.PathKey(rawName);
        for (var i = key.IndexOf('/', StringComparison.Ordinal); i > 0; i = key.IndexOf('/', i + 1))
        {
            var prefix = key[..i];
            if (_links.Contains(prefix)) return prefix;
        }
        return null;
    }
}
