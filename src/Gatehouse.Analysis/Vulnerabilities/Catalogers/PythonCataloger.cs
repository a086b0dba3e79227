using System.Text.Json;
using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Vulnerabilities.Catalogers;

/// <summary>
/// Python packages: pinned lines of <c>requirements*.txt</c> (<c>name==1.2.3</c>, <c>name===1.2.3</c>; ranges say
/// nothing exact and are skipped), <c>Pipfile.lock</c> (the <c>default</c> section; <c>develop</c> is not installed in
/// production), <c>poetry.lock</c> (TOML <c>[[package]]</c> tables) and installed distributions' metadata
/// (<c>*.dist-info/METADATA</c>, <c>*.egg-info/PKG-INFO</c>: the <c>Name</c> and <c>Version</c> headers). Pure and bounded.
/// </summary>
public static class PythonCataloger
{
    /// <summary>Largest file read.</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    /// <summary>Most packages taken from one file.</summary>
    public const int MaxPackages = 50_000;

    /// <summary>Which of the formats <paramref name="path"/> (a member path) is, or null.</summary>
    public static string? FormatOf(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        var folder = path.LastIndexOf('/') is var i and > 0 ? path[..i] : "";
        if (name == "Pipfile.lock") return "pipfile-lock";
        if (name == "poetry.lock") return "poetry-lock";
        if (name.StartsWith("requirements", StringComparison.Ordinal) && name.EndsWith(".txt", StringComparison.Ordinal)) return "requirements";
        if (name == "METADATA" && folder.EndsWith(".dist-info", StringComparison.Ordinal)) return "metadata";
        if (name == "PKG-INFO" && folder.EndsWith(".egg-info", StringComparison.Ordinal)) return "metadata";
        return null;
    }

    /// <summary>The packages of a file in <paramref name="format"/> (see <see cref="FormatOf"/>); empty with the reason in <paramref name="problem"/> when unreadable.</summary>
    public static IReadOnlyList<CatalogedPackage> Parse(string format, string text, string declaredIn, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        problem = null;
        var packages = new List<CatalogedPackage>();
        if (text.Length > MaxBytes)
        {
            problem = $"larger than {MaxBytes} bytes";
            return packages;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string name, string version)
        {
            name = name.Trim();
            version = version.Trim();
            if (name.Length == 0 || version.Length == 0 || packages.Count >= MaxPackages) return;
            if (!PackageUrl.TryCreate("pypi", null, name, version, null, null, out var purl, out _)) return;
            if (seen.Add(purl.ToString())) packages.Add(new CatalogedPackage("PyPI", purl.Name, version, purl, declaredIn));
        }

        switch (format)
        {
            case "requirements":
                foreach (var raw in JoinContinuations(text))
                {
                    var line = raw;
                    var hash = line.IndexOf(" #", StringComparison.Ordinal);
                    if (line.TrimStart().StartsWith('#')) continue;
                    if (hash >= 0) line = line[..hash];
                    var marker = line.IndexOf(';', StringComparison.Ordinal);
                    if (marker >= 0) line = line[..marker];
                    var option = line.IndexOf(" --", StringComparison.Ordinal);
                    if (option >= 0) line = line[..option];
                    line = line.Trim();
                    if (line.Length == 0 || line[0] == '-') continue; // -r, -e, --index-url: not a pin
                    var op = line.IndexOf("==", StringComparison.Ordinal);
                    if (op <= 0) continue;
                    var name = line[..op];
                    if (name.IndexOfAny(['<', '>', '!', '~']) >= 0 || line[(op + 2)..].IndexOfAny([',', '<', '>', '!', '~', '*']) >= 0) continue; // a range, not one version
                    var bracket = name.IndexOf('[', StringComparison.Ordinal);
                    if (bracket > 0) name = name[..bracket];
                    Add(name, line[(op + 2)..].TrimStart('='));
                }
                break;
            case "metadata":
                string? n = null, v = null;
                foreach (var line in text.Split('\n'))
                {
                    var l = line.TrimEnd('\r');
                    if (l.Length == 0) break; // headers end at the first blank line; the rest is the description
                    if (l.StartsWith("Name:", StringComparison.OrdinalIgnoreCase)) n ??= l[5..];
                    else if (l.StartsWith("Version:", StringComparison.OrdinalIgnoreCase)) v ??= l[8..];
                }
                if (n is not null && v is not null) Add(n, v);
                else problem = "no Name and Version headers";
                break;
            case "pipfile-lock":
                try
                {
                    using var doc = Pipeline.StrictJson.Parse(text, new JsonDocumentOptions { MaxDepth = 32 });
                    if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("default", out var section) && section.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var p in section.EnumerateObject())
                            if (p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("version", out var ver) && ver.ValueKind == JsonValueKind.String && ver.GetString() is { } s && s.StartsWith("==", StringComparison.Ordinal))
                                Add(p.Name, s[2..]);
                    }
                    else problem = "no 'default' section";
                }
                catch (JsonException e)
                {
                    problem = "not valid JSON: " + e.Message;
                }
                break;
            case "poetry-lock":
                try
                {
                    var model = Tomlyn.TomlSerializer.Deserialize<Tomlyn.Model.TomlTable>(text, (Tomlyn.TomlSerializerOptions?)null)!;
                    if (model.TryGetValue("package", out var list) && list is Tomlyn.Model.TomlTableArray tables)
                    {
                        foreach (var table in tables)
                            if (table.TryGetValue("name", out var pn) && pn is string name && table.TryGetValue("version", out var pv) && pv is string version)
                                Add(name, version);
                    }
                    else problem = "no [[package]] tables";
                }
                catch (Exception e) when (e is Tomlyn.TomlException or InvalidOperationException or ArgumentException)
                {
                    problem = "not valid TOML: " + e.Message;
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "not a Python package file format");
        }
        if (problem is not null) packages.Clear();
        return packages;
    }

    /// <summary>Lines of a requirements file with backslash continuations joined.</summary>
    private static IEnumerable<string> JoinContinuations(string text)
    {
        var current = new System.Text.StringBuilder();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.EndsWith('\\'))
            {
                current.Append(line, 0, line.Length - 1).Append(' ');
                continue;
            }
            current.Append(line);
            yield return current.ToString();
            current.Clear();
        }
        if (current.Length > 0) yield return current.ToString();
    }
}
