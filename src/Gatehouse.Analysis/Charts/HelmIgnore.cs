using System.Text;
using System.Text.RegularExpressions;

namespace Gatehouse.Analysis.Charts;

/// <summary>
/// <c>.helmignore</c> as <c>helm package</c> reads it (Helm's <c>pkg/ignore</c>): one pattern a line, <c>#</c> comments,
/// <c>!</c> negates, a trailing <c>/</c> matches folders only, a pattern without <c>/</c> matches a name at any depth, one
/// with <c>/</c> matches the path from the chart's folder; globs <c>* ? [..]</c> as Go's <c>filepath.Match</c>. Helm's
/// default rule is added: hidden files under <c>templates/</c> are ignored.
/// </summary>
internal sealed class HelmIgnore
{
    private readonly List<(Regex Pattern, bool Negate, bool DirOnly, bool Path)> _rules = [];

    public static HelmIgnore Parse(string text)
    {
        var ignore = new HelmIgnore();
        ignore.Add("templates/.?*");
        foreach (var raw in text.Split('\n'))
            ignore.Add(raw.Trim());
        return ignore;
    }

    private void Add(string line)
    {
        if (line.Length == 0 || line.StartsWith('#') || line == "!" || line.Contains("**", StringComparison.Ordinal)) return;
        var negate = line.StartsWith('!');
        if (negate) line = line[1..];
        var dirOnly = line.EndsWith('/');
        if (dirOnly) line = line.TrimEnd('/');
        if (line.StartsWith("/", StringComparison.Ordinal)) line = line.TrimStart('/');
        if (line.Length == 0) return;
        _rules.Add((new Regex("^" + Glob(line) + "$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), negate, dirOnly, line.Contains('/', StringComparison.Ordinal)));
    }

    /// <summary>Whether <paramref name="path"/> (relative, <c>/</c>-separated) is ignored; the last matching rule decides.</summary>
    public bool Ignores(string path, bool isDirectory)
    {
        if (path is "Chart.yaml") return false;
        var name = path[(path.LastIndexOf('/') + 1)..];
        var ignored = false;
        foreach (var (pattern, negate, dirOnly, isPath) in _rules)
        {
            if (dirOnly && !isDirectory) continue;
            if (pattern.IsMatch(isPath ? path : name)) ignored = !negate;
        }
        return ignored;
    }

    private static string Glob(string pattern)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*': sb.Append("[^/]*"); break;
                case '?': sb.Append("[^/]"); break;
                case '[':
                    var end = pattern.IndexOf(']', i + 1);
                    if (end < 0) { sb.Append("\\["); break; }
                    var set = pattern[(i + 1)..end];
                    if (set.StartsWith('^') || set.StartsWith('!')) set = "^" + set[1..];
                    sb.Append('[').Append(set.Replace("\\", "\\\\", StringComparison.Ordinal)).Append(']');
                    i = end;
                    break;
                case '\\' when i + 1 < pattern.Length:
                    sb.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return sb.ToString();
    }
}
