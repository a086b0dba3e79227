namespace Gatehouse.Analysis.Images.Checks;

/// <summary>
/// The distribution of an image's final filesystem, as <c>/etc/os-release</c> (else <c>/usr/lib/os-release</c>) says, with
/// <c>/etc/alpine-release</c> and <c>/etc/debian_version</c> filling in a missing <c>VERSION_ID</c>.
/// </summary>
/// <param name="Id">os-release <c>ID</c>, lower case.</param>
/// <param name="VersionId"><c>VERSION_ID</c>, or the version file's; null for testing/rolling releases.</param>
/// <param name="Source">The file it was read from (<c>etc/os-release</c>).</param>
public sealed record ImageOs(string Id, string? VersionId, string Source)
{
    /// <summary>Reads the distribution through <paramref name="read"/> (final-filesystem path → text, or null); null when unknown.</summary>
    public static ImageOs? Detect(Func<string, string?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        foreach (var path in new[] { "etc/os-release", "usr/lib/os-release" })
        {
            if (read(path) is not { } text) continue;
            var fields = ParseOsRelease(text);
            if (!fields.TryGetValue("ID", out var id) || id.Length == 0) continue;
            id = id.ToLowerInvariant();
            fields.TryGetValue("VERSION_ID", out var version);
            if (string.IsNullOrEmpty(version)) version = FromVersionFile(id, read);
            return new ImageOs(id, string.IsNullOrEmpty(version) ? null : version, path);
        }
        if (read("etc/alpine-release") is { } alpine && FirstLine(alpine) is { Length: > 0 } a)
            return new ImageOs("alpine", a, "etc/alpine-release");
        if (read("etc/debian_version") is { } debian && Numeric(FirstLine(debian)) is { } d)
            return new ImageOs("debian", d, "etc/debian_version");
        return null;
    }

    private static string? FromVersionFile(string id, Func<string, string?> read) => id switch
    {
        "alpine" => read("etc/alpine-release") is { } t ? FirstLine(t) : null,
        // "12.11" names a release; "trixie/sid" (testing) does not.
        "debian" => read("etc/debian_version") is { } t ? Numeric(FirstLine(t)) : null,
        _ => null,
    };

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static string? Numeric(string text) => text.Length > 0 && char.IsAsciiDigit(text[0]) ? text.Split('.')[0] : null;

    /// <summary><c>KEY=value</c> lines, values unquoted (the os-release(5) format).</summary>
    internal static Dictionary<string, string> ParseOsRelease(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0]) value = value[1..^1];
            result[line[..eq]] = value;
        }
        return result;
    }
}
