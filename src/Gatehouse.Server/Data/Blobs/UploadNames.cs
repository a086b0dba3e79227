using System.Globalization;
using System.Text;

namespace Gatehouse.Server.Data.Blobs;

/// <summary>
/// The names uploaders give their files are attacker-controlled text that is later shown in the console, put in
/// <c>Content-Disposition</c> and used as the name a customer's browser saves under. Each upload (scans, versions,
/// evidence) stores the name made safe by <see cref="Sanitize"/>: the base name only (no directories, so
/// <c>../../../../etc/passwd</c> becomes <c>passwd</c>), without control, format (bidi overrides, zero-width) or
/// separator characters, without characters file systems refuse, and at most <see cref="MaxLength"/> characters.
/// The name as sent is kept only in the upload's audit entry (<c>originalName</c>, JSON-escaped), never shown as a path.
/// </summary>
internal static class UploadNames
{
    /// <summary>Longest stored name.</summary>
    public const int MaxLength = 255;

    /// <summary>Longest name accepted as sent (it is kept in the audit entry).</summary>
    public const int MaxOriginalLength = 1024;

    /// <summary>Why <paramref name="name"/> is refused (missing or too long), or null.</summary>
    public static string? Problem(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Length > MaxOriginalLength
            ? $"name is required: the file name, at most {MaxOriginalLength} characters"
            : null;

    /// <summary>The safe file name for <paramref name="name"/>; <paramref name="fallback"/> when nothing usable is left.</summary>
    public static string Sanitize(string? name, string fallback = "file")
    {
        if (string.IsNullOrEmpty(name)) return fallback;
        var s = name.Length > MaxOriginalLength ? name[..MaxOriginalLength] : name;
        var b = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                var cat = CharUnicodeInfo.GetUnicodeCategory(s, i);
                if (cat is not (UnicodeCategory.Format or UnicodeCategory.PrivateUse)) b.Append(c).Append(s[i + 1]);
                i++;
                continue;
            }
            switch (CharUnicodeInfo.GetUnicodeCategory(c))
            {
                case UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                    or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.OtherNotAssigned:
                    continue;
                case UnicodeCategory.SpaceSeparator:
                    b.Append(' ');
                    continue;
            }
            // Directory separators start the name again (base name only); characters file systems refuse become '_'.
            if (c is '/' or '\\') b.Clear();
            else if (c is '<' or '>' or ':' or '"' or '|' or '?' or '*') b.Append('_');
            else b.Append(c);
        }
        var result = b.ToString().Trim().Trim('.').Trim();
        if (result.Length == 0) return fallback;
        if (result.Length > MaxLength)
        {
            // Keep a short extension (what the file is) and cut the stem, never inside a surrogate pair.
            var dot = result.LastIndexOf('.');
            var ext = dot > 0 && result.Length - dot <= 16 ? result[dot..] : "";
            var keep = MaxLength - ext.Length;
            if (char.IsHighSurrogate(result[keep - 1])) keep--;
            result = result[..keep].TrimEnd() + ext;
        }
        return result;
    }
}
