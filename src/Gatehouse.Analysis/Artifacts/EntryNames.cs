using System.Text;

namespace Gatehouse.Analysis.Artifacts;

/// <summary>
/// Judges and displays entry names. Names are only ever displayed and compared: the walker never
/// builds a file-system path from one (DESIGN principle 5).
/// </summary>
internal static class EntryNames
{
    /// <summary>Why a name is unsafe to extract, or null when it is a plain relative path.</summary>
    public static string? TraversalReason(string raw)
    {
        if (raw.Length == 0) return null;
        foreach (var c in raw)
        {
            if (c == '\0') return "contains a NUL character";
            if (char.IsControl(c)) return "contains a control character";
        }
        if (raw[0] is '/' or '\\') return "is an absolute path";
        if (raw.Length >= 2 && raw[1] == ':' && char.IsAsciiLetter(raw[0])) return "starts with a drive letter";
        if (raw.Contains('\\', StringComparison.Ordinal)) return "contains a backslash (a path separator on Windows)";
        foreach (var segment in raw.Split('/'))
        {
            if (segment == "..") return "contains a '..' segment";
        }
        return null;
    }

    /// <summary>Forward slashes, no leading "./", control characters escaped as <c>\xNN</c>.</summary>
    public static string Display(string raw)
    {
        var s = raw.Replace('\\', '/');
        while (s.StartsWith("./", StringComparison.Ordinal)) s = s[2..];
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (char.IsControl(c)) sb.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        return sb.Length == 0 ? "_" : sb.ToString();
    }

    /// <summary>The name as a key for comparing paths: <see cref="Display"/>, no empty or "." segments, no trailing slash.</summary>
    public static string PathKey(string raw) =>
        string.Join('/', Display(raw).Split('/').Where(seg => seg.Length > 0 && seg != "."));

    /// <summary>
    /// Whether a link stored at <paramref name="entryName"/> and pointing at <paramref name="target"/>
    /// resolves outside the archive root. Symlink targets are relative to the link's directory,
    /// hard-link targets to the archive root (POSIX pax "linkname").
    /// </summary>
    public static bool LinkEscapes(string entryName, string target, bool hardLink)
    {
        if (target.Length == 0) return false;
        var t = target.Replace('\\', '/');
        if (t[0] == '/' || (t.Length >= 2 && t[1] == ':' && char.IsAsciiLetter(t[0]))) return true;
        var depth = 0;
        if (!hardLink)
        {
            var dir = entryName.Replace('\\', '/').TrimEnd('/');
            var slash = dir.LastIndexOf('/');
            dir = slash < 0 ? "" : dir[..slash];
            foreach (var seg in dir.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (seg == ".") continue;
                depth = seg == ".." ? depth - 1 : depth + 1;
                if (depth < 0) return true;
            }
        }
        foreach (var seg in t.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (seg == ".") continue;
            depth = seg == ".." ? depth - 1 : depth + 1;
            if (depth < 0) return true;
        }
        return false;
    }
}
