using System.Globalization;
using System.Text.Json;

namespace Gatehouse.Analysis.Images.Checks;

/// <summary>One release of <c>rules/images/eol.json</c>.</summary>
/// <param name="Id">os-release <c>ID</c> (<c>debian</c>, <c>alpine</c>, ...).</param>
/// <param name="Version">The release as <c>VERSION_ID</c> starts (<c>12</c>, <c>3.19</c>, <c>22.04</c>).</param>
/// <param name="Eol">Last day of security support.</param>
public sealed record EolRelease(string Id, string Version, string Name, DateOnly Eol);

/// <summary>
/// End-of-support dates of base distributions (<c>rules/images/eol.json</c>, embedded; data, not code). A malformed table
/// throws when first used: the analyzer then fails and the verdict is incomplete, never a silent pass.
/// </summary>
public sealed class EolTable
{
    internal const string ResourceName = "Gatehouse.Rules.Images.eol.json";

    private static readonly Lazy<EolTable> LazyDefault = new(() =>
    {
        using var stream = typeof(EolTable).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        return Parse(stream);
    });

    private EolTable(string version, IReadOnlyList<EolRelease> releases)
    {
        Version = version;
        Releases = releases;
    }

    /// <summary>The bundled table.</summary>
    public static EolTable Default => LazyDefault.Value;

    /// <summary>The table's own date-version (when it was last reviewed).</summary>
    public string Version { get; }

    public IReadOnlyList<EolRelease> Releases { get; }

    /// <summary>Reads the JSON table.</summary>
    public static EolTable Parse(Stream json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var version = root.GetProperty("version").GetString() ?? "";
        var list = new List<EolRelease>();
        foreach (var r in root.GetProperty("releases").EnumerateArray())
        {
            var id = r.GetProperty("id").GetString();
            var v = r.GetProperty("version").GetString();
            var name = r.GetProperty("name").GetString();
            var eol = DateOnly.ParseExact(r.GetProperty("eol").GetString() ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(v) || string.IsNullOrEmpty(name))
                throw new InvalidDataException("eol.json: every release needs id, version and name");
            list.Add(new EolRelease(id, v, name, eol));
        }
        return new EolTable(version, list);
    }

    /// <summary>
    /// The release <paramref name="versionId"/> of <paramref name="osId"/> belongs to: the longest listed version equal to it or
    /// a dotted prefix of it (<c>3.19.1</c> is <c>3.19</c>; <c>9.4</c> is <c>9</c>); null when the table does not list it.
    /// </summary>
    public EolRelease? Find(string osId, string versionId)
    {
        ArgumentNullException.ThrowIfNull(osId);
        ArgumentNullException.ThrowIfNull(versionId);
        return Releases
            .Where(r => string.Equals(r.Id, osId, StringComparison.OrdinalIgnoreCase)
                && (versionId == r.Version || versionId.StartsWith(r.Version + ".", StringComparison.Ordinal)))
            .MaxBy(r => r.Version.Length);
    }
}
