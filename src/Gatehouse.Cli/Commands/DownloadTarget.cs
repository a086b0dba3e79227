namespace Gatehouse.Cli.Commands;

/// <summary>
/// Turning the file name a server sent into a local path. The name is hostile input: only its last path segment is
/// used, and names that are empty, <c>.</c>, <c>..</c>, or hold control or path characters are refused, so a
/// download never lands outside the directory it was meant for.
/// </summary>
internal static class DownloadTarget
{
    /// <summary>Longest name accepted (the usual file-system limit is 255 bytes).</summary>
    public const int MaxNameLength = 200;

    /// <summary>The last path segment of <paramref name="name"/> if it is a plain file name; otherwise null.</summary>
    public static string? SafeFileName(string? name)
    {
        if (string.IsNullOrEmpty(name)) return null;
        // Both separators, whatever the platform: a name made on Windows must not climb out on Unix either.
        var last = name[(name.LastIndexOfAny(['/', '\\']) + 1)..];
        if (last.Length == 0 || last.Length > MaxNameLength || last.Trim('.', ' ').Length == 0) return null;
        if (last.Any(char.IsControl) || last.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || last.Contains(':', StringComparison.Ordinal)) return null;
        return last;
    }

    /// <summary><paramref name="name"/> (from <see cref="SafeFileName"/>) inside <paramref name="directory"/>; throws if it would not stay there.</summary>
    public static string Inside(string directory, string name)
    {
        var dir = Path.GetFullPath(directory);
        var path = Path.GetFullPath(Path.Join(dir, name));
        if (!string.Equals(Path.GetDirectoryName(path), Path.TrimEndingDirectorySeparator(dir), StringComparison.Ordinal))
            throw new InvalidOperationException($"'{name}' leaves {dir}");
        return path;
    }
}
