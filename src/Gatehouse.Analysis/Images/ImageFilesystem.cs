namespace Gatehouse.Analysis.Images;

/// <summary>
/// The filesystem an image's layers make once stacked, as the OCI image spec's "applying changesets" says: layers applied
/// base first; in each layer, whiteouts first (<c>.wh.name</c> removes <c>name</c> and everything below it from the lower
/// layers; <c>.wh..wh..opq</c> in a directory removes everything the lower layers had below that directory), then the layer's
/// own entries replace what was there. Whiteout markers themselves are never part of the result.
/// </summary>
public sealed class ImageFilesystem
{
    private readonly Dictionary<string, LayerEntry> _entries;

    private ImageFilesystem(Dictionary<string, LayerEntry> entries) => _entries = entries;

    /// <summary>Every path of the final filesystem and the entry of the layer that last wrote it.</summary>
    public IReadOnlyDictionary<string, LayerEntry> Entries => _entries;

    /// <summary>The final entry at <paramref name="path"/> (normalised, relative), or null when it does not exist.</summary>
    public LayerEntry? Get(string path) => _entries.GetValueOrDefault(Normalize(path));

    /// <summary>Stacks <paramref name="entries"/> (any order; grouped by <see cref="LayerEntry.Layer"/>, tar order kept within a layer).</summary>
    public static ImageFilesystem Merge(IEnumerable<LayerEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var result = new Dictionary<string, LayerEntry>(StringComparer.Ordinal);
        foreach (var layer in entries.GroupBy(e => e.Layer).OrderBy(g => g.Key))
        {
            var list = layer.ToList();
            // Whiteouts of this layer hide the lower layers only: apply them before the layer's own entries.
            foreach (var marker in list)
            {
                var parent = Parent(marker.Path);
                if (marker.IsOpaqueMarker) RemoveBelow(result, parent, includeSelf: false);
                else if (marker.IsWhiteout) RemoveBelow(result, Join(parent, marker.Name[4..]), includeSelf: true);
            }
            foreach (var entry in list)
            {
                if (entry.IsOpaqueMarker || entry.IsWhiteout) continue;
                var path = Normalize(entry.Path);
                if (path.Length == 0) continue;
                // A non-directory replacing a directory removes what was below it.
                if (entry.Type != LayerEntryType.Directory && result.TryGetValue(path, out var old) && old.Type == LayerEntryType.Directory)
                    RemoveBelow(result, path, includeSelf: false);
                result[path] = entry with { Path = path };
            }
        }
        return new ImageFilesystem(result);
    }

    private static void RemoveBelow(Dictionary<string, LayerEntry> map, string path, bool includeSelf)
    {
        if (includeSelf) map.Remove(path);
        var prefix = path.Length == 0 ? "" : path + "/";
        foreach (var key in map.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.Length > prefix.Length).ToList())
            map.Remove(key);
    }

    private static string Parent(string path)
    {
        var p = Normalize(path);
        var i = p.LastIndexOf('/');
        return i < 0 ? "" : p[..i];
    }

    private static string Join(string parent, string name) => parent.Length == 0 ? name : parent + "/" + name;

    /// <summary>Drops leading <c>./</c> and <c>/</c> and a trailing slash.</summary>
    public static string Normalize(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var p = path;
        while (p.StartsWith("./", StringComparison.Ordinal)) p = p[2..];
        p = p.TrimStart('/').TrimEnd('/');
        return p == "." ? "" : p;
    }
}
