using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gatehouse.Server.Charts;

/// <summary>
/// The repository's <c>index.yaml</c> (Helm's repository index, apiVersion v1) for one tenant, from the chart versions it
/// gets (<see cref="ChartEntry"/>). Pure: the tests build it without a host.
/// <para>
/// Names: an entry is listed under its chart's name, unless two of the tenant's apps publish a chart of the same name; then
/// every such app's versions are listed as <c>{app-slug}.{chart-name}</c>, so no vendor can add versions to, or shadow,
/// another vendor's chart, and which app a name means never depends on which was installed first. A chart name that is
/// not a plain Helm name (lower-case letters, digits and dashes) is always qualified, so a qualified name (it has a dot)
/// never equals a plain one. The same chart version twice in one app (a version submitted again) is listed once, the
/// latest published.
/// </para>
/// </summary>
internal static partial class ChartIndex
{
    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial Regex PlainName();

    /// <summary>The name each entry is listed under, by <see cref="ChartEntry.VersionId"/>.</summary>
    public static Dictionary<Guid, string> Names(IReadOnlyList<ChartEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var shared = entries.GroupBy(e => e.Chart.Name, StringComparer.Ordinal)
            .Where(g => g.Select(e => e.AppId).Distinct().Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return entries.ToDictionary(e => e.VersionId,
            e => shared.Contains(e.Chart.Name) || !PlainName().IsMatch(e.Chart.Name) ? $"{e.AppSlug}.{e.Chart.Name}" : e.Chart.Name);
    }

    /// <summary>The entries grouped by listed name (ordinal order), each name's versions newest first, duplicates dropped.</summary>
    public static List<(string Name, List<ChartEntry> Versions)> Group(IReadOnlyList<ChartEntry> entries)
    {
        var names = Names(entries);
        return entries.GroupBy(e => names[e.VersionId], StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.GroupBy(e => e.Chart.Version, StringComparer.Ordinal)
                .Select(v => v.OrderByDescending(e => e.Created).ThenBy(e => e.VersionId).First())
                .OrderByDescending(e => e.Created).ThenBy(e => e.Chart.Version, StringComparer.Ordinal).ToList()))
            .ToList();
    }

    /// <summary>
    /// <c>index.yaml</c>: every scalar is written as a double-quoted YAML string with JSON escapes (which YAML reads the
    /// same), so nothing a vendor put in Chart.yaml can add a key, a document or an anchor.
    /// </summary>
    public static string Write(IReadOnlyList<ChartEntry> entries, DateTimeOffset generated)
    {
        var groups = Group(entries);
        var y = new StringBuilder();
        y.Append("apiVersion: v1\n");
        if (groups.Count == 0) y.Append("entries: {}\n");
        else
        {
            y.Append("entries:\n");
            foreach (var (name, versions) in groups)
            {
                y.Append("  ").Append(Q(name)).Append(":\n");
                foreach (var e in versions)
                {
                    y.Append("  - apiVersion: \"v2\"\n");
                    y.Append("    name: ").Append(Q(e.Chart.Name)).Append('\n');
                    y.Append("    version: ").Append(Q(e.Chart.Version)).Append('\n');
                    if (e.Chart.AppVersion is { } appVersion) y.Append("    appVersion: ").Append(Q(appVersion)).Append('\n');
                    if (e.Description is { } description) y.Append("    description: ").Append(Q(description)).Append('\n');
                    y.Append("    digest: ").Append(Q(e.DigestHex)).Append('\n');
                    y.Append("    created: ").Append(Q(Time(e.Created))).Append('\n');
                    y.Append("    urls:\n    - ").Append(Q(e.RelativeUrl)).Append('\n');
                }
            }
        }
        y.Append("generated: ").Append(Q(Time(generated))).Append('\n');
        return y.ToString();
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// A double-quoted scalar. Characters outside the Basic Multilingual Plane become U+FFFD: JSON writes them as surrogate
    /// pairs (<c>\uD83D\uDE00</c>), which a YAML reader need not accept.
    /// </summary>
    internal static string Q(string value)
    {
        var b = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (!char.IsSurrogate(value[i])) b.Append(value[i]);
            else
            {
                b.Append('\uFFFD');
                if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) i++;
            }
        }
        return JsonSerializer.Serialize(b.ToString());
    }
}
