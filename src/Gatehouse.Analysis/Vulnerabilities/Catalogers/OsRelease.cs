namespace Gatehouse.Analysis.Vulnerabilities.Catalogers;

/// <summary>
/// The distribution, from <c>etc/os-release</c> (or <c>usr/lib/os-release</c>): the file systemd's os-release(5)
/// describes, a list of shell-style <c>KEY=value</c> assignments with optional quotes. Only what identifies the
/// distribution for advisories is kept.
/// </summary>
public sealed record OsRelease(string Id, string? VersionId, string? VersionCodename, IReadOnlyList<string> IdLike, string? PrettyName)
{
    /// <summary>Largest os-release read; real ones are under 1 KiB.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>The purl <c>distro</c> qualifier: <c>debian-12</c>, <c>alpine-3.20.1</c>, or the ID alone without a version.</summary>
    public string Distro => VersionId is null ? Id : $"{Id}-{VersionId}";

    /// <summary>Parses os-release text; null when it names no <c>ID</c> (os-release(5) defaults it to "linux", which identifies nothing).</summary>
    public static OsRelease? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxBytes) text = text[..MaxBytes];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            values[line[..eq].Trim()] = Unquote(line[(eq + 1)..].Trim());
        }
        if (!values.TryGetValue("ID", out var id) || id.Length == 0) return null;
        return new OsRelease(
            id.ToLowerInvariant(),
            values.GetValueOrDefault("VERSION_ID") is { Length: > 0 } v ? v : null,
            values.GetValueOrDefault("VERSION_CODENAME") is { Length: > 0 } c ? c : null,
            (values.GetValueOrDefault("ID_LIKE") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries),
            values.GetValueOrDefault("PRETTY_NAME"));
    }

    /// <summary>Shell-style unquoting as os-release(5) allows: single or double quotes, backslash escapes in double quotes.</summary>
    private static string Unquote(string value)
    {
        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'') return value[1..^1];
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            var inner = value[1..^1];
            var sb = new System.Text.StringBuilder(inner.Length);
            for (var i = 0; i < inner.Length; i++)
            {
                if (inner[i] == '\\' && i + 1 < inner.Length && inner[i + 1] is '"' or '\\' or '$' or '`') sb.Append(inner[++i]);
                else sb.Append(inner[i]);
            }
            return sb.ToString();
        }
        return value;
    }
}
