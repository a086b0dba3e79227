using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gatehouse.Analysis.Charts.Schema;

/// <summary>One row of <c>rules/kubernetes/api-versions.json</c>: an apiVersion/kind served only from or until a Kubernetes minor.</summary>
/// <param name="Removed">The first minor that no longer serves it (<c>1.22</c>), or null.</param>
/// <param name="Introduced">The first minor that serves it by default (<c>1.30</c>), or null.</param>
/// <param name="Use">What to write instead (<c>networking.k8s.io/v1</c>) or what to declare.</param>
public sealed record ApiVersionChange(string ApiVersion, string Kind, KubeMinor? Removed, KubeMinor? Introduced, string Use);

/// <summary>A Kubernetes version as major.minor (patches do not add or remove APIs).</summary>
public readonly partial record struct KubeMinor(int Major, int Minor) : IComparable<KubeMinor>
{
    /// <summary><c>1.35</c>, <c>v1.35.0</c>, <c>1.35.2-gke.1</c>; throws <see cref="FormatException"/> for anything else.</summary>
    public static KubeMinor Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var m = Pattern().Match(text.Trim());
        if (!m.Success) throw new FormatException($"'{text}' is not a Kubernetes version (1.35 or v1.35.0)");
        return new KubeMinor(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    public int CompareTo(KubeMinor other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(KubeMinor a, KubeMinor b) => a.CompareTo(b) < 0;
    public static bool operator >(KubeMinor a, KubeMinor b) => a.CompareTo(b) > 0;
    public static bool operator <=(KubeMinor a, KubeMinor b) => a.CompareTo(b) <= 0;
    public static bool operator >=(KubeMinor a, KubeMinor b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Major}.{Minor}";

    [GeneratedRegex(@"^v?(\d{1,3})\.(\d{1,3})(?:\.\d+)?(?:[-+].*)?$")]
    private static partial Regex Pattern();
}

/// <summary>
/// The built-in apiVersion/kind pairs that Kubernetes removed or added (<c>rules/kubernetes/api-versions.json</c>, embedded,
/// from the official deprecation guide), so a chart is validated for the Kubernetes version it was rendered for.
/// </summary>
public sealed class ApiVersionTable
{
    internal const string ResourceName = "Gatehouse.Rules.Kubernetes.api-versions.json";

    private static readonly Lazy<ApiVersionTable> LazyDefault = new(() =>
    {
        using var stream = typeof(ApiVersionTable).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        return Parse(stream);
    });

    private readonly Dictionary<(string, string), ApiVersionChange> _changes;

    private ApiVersionTable(string version, Dictionary<(string, string), ApiVersionChange> changes)
    {
        Version = version;
        _changes = changes;
    }

    /// <summary>The bundled table.</summary>
    public static ApiVersionTable Default => LazyDefault.Value;

    /// <summary>The table's date-version (when it was last reviewed).</summary>
    public string Version { get; }

    public IEnumerable<ApiVersionChange> Changes => _changes.Values;

    /// <summary>The change that makes <paramref name="kubeVersion"/> refuse this apiVersion/kind, or null when it serves it.</summary>
    public ApiVersionChange? NotServed(string apiVersion, string kind, KubeMinor kubeVersion)
    {
        if (!_changes.TryGetValue((apiVersion, kind), out var c)) return null;
        if (c.Removed is { } removed && kubeVersion >= removed) return c;
        if (c.Introduced is { } introduced && kubeVersion < introduced) return c;
        return null;
    }

    /// <summary>Reads the JSON table.</summary>
    public static ApiVersionTable Parse(Stream json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var changes = new Dictionary<(string, string), ApiVersionChange>();
        foreach (var a in root.GetProperty("apis").EnumerateArray())
        {
            var apiVersion = a.GetProperty("apiVersion").GetString() ?? "";
            KubeMinor? removed = a.TryGetProperty("removed", out var r) ? KubeMinor.Parse(r.GetString() ?? "") : null;
            KubeMinor? introduced = a.TryGetProperty("introduced", out var i) ? KubeMinor.Parse(i.GetString() ?? "") : null;
            var use = a.GetProperty("use").GetString() ?? "";
            if (apiVersion.Length == 0 || use.Length == 0 || (removed is null) == (introduced is null))
                throw new InvalidDataException($"api-versions.json: {apiVersion} needs an apiVersion, a use and exactly one of removed or introduced");
            foreach (var k in a.GetProperty("kinds").EnumerateArray())
            {
                var kind = k.GetString() ?? "";
                if (!changes.TryAdd((apiVersion, kind), new ApiVersionChange(apiVersion, kind, removed, introduced, use)))
                    throw new InvalidDataException($"api-versions.json: {apiVersion} {kind} is listed twice");
            }
        }
        return new ApiVersionTable(root.GetProperty("version").GetString() ?? "", changes);
    }
}
