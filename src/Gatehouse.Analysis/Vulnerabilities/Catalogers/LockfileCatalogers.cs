using System.Text.Json;
using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Vulnerabilities.Catalogers;

/// <summary>
/// Smaller lockfile formats: Rust's <c>Cargo.lock</c> (TOML <c>[[package]]</c>; crates without a <c>source</c> are the
/// workspace's own), PHP's <c>composer.lock</c> (<c>packages</c>; <c>packages-dev</c> is not installed with
/// <c>--no-dev</c>) and Go's <c>go.mod</c> (<c>require</c> lines and blocks, <c>replace</c> directives applied: a
/// module replaced by a local folder is the vendor's own code) and <c>go.sum</c> (the modules whose code was downloaded
/// for the build, the newest version of each; lines ending <c>/go.mod</c> only fetched a module's go.mod to resolve the
/// graph and are left out; <c>PackageInventory</c> keeps a go.sum entry only where the go.mod beside it does not name the
/// module, as Trivy reads go.sum only for a go.mod older than Go 1.17). Pure and bounded.
/// </summary>
public static class LockfileCatalogers
{
    /// <summary>Largest file read.</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    /// <summary>Which format <paramref name="path"/> (a member path) is: <c>cargo-lock</c>, <c>composer-lock</c>, <c>go-mod</c>, <c>go-sum</c>, or null.</summary>
    public static string? FormatOf(string path) => path[(path.LastIndexOf('/') + 1)..] switch
    {
        "Cargo.lock" => "cargo-lock",
        "composer.lock" => "composer-lock",
        "go.mod" => "go-mod",
        "go.sum" => "go-sum",
        _ => null,
    };

    /// <summary>The packages of a file in <paramref name="format"/>; empty with the reason in <paramref name="problem"/> when unreadable.</summary>
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
        switch (format)
        {
            case "cargo-lock":
                try
                {
                    var model = Tomlyn.TomlSerializer.Deserialize<Tomlyn.Model.TomlTable>(text, (Tomlyn.TomlSerializerOptions?)null)!;
                    if (model.TryGetValue("package", out var list) && list is Tomlyn.Model.TomlTableArray tables)
                    {
                        foreach (var t in tables)
                        {
                            if (t.TryGetValue("name", out var n) && n is string name && t.TryGetValue("version", out var v) && v is string version
                                && t.ContainsKey("source")
                                && PackageUrl.TryCreate("cargo", null, name, version, null, null, out var purl, out _))
                                packages.Add(new CatalogedPackage("crates.io", name, version, purl, declaredIn));
                        }
                    }
                    else problem = "no [[package]] tables";
                }
                catch (Exception e) when (e is Tomlyn.TomlException or InvalidOperationException or ArgumentException)
                {
                    problem = "not valid TOML: " + e.Message;
                }
                break;
            case "composer-lock":
                try
                {
                    using var doc = Pipeline.StrictJson.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
                    if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("packages", out var list) && list.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var p in list.EnumerateArray())
                        {
                            if (p.ValueKind != JsonValueKind.Object) continue;
                            var name = p.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                            var version = p.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                            var slash = name?.IndexOf('/', StringComparison.Ordinal) ?? -1;
                            if (name is null || version is null || slash <= 0) continue;
                            if (PackageUrl.TryCreate("composer", name[..slash], name[(slash + 1)..], version, null, null, out var purl, out _))
                                packages.Add(new CatalogedPackage("Packagist", name, version, purl, declaredIn));
                        }
                    }
                    else problem = "no 'packages' list";
                }
                catch (JsonException e)
                {
                    problem = "not valid JSON: " + e.Message;
                }
                break;
            case "go-mod":
                ParseGoMod(text, declaredIn, packages);
                break;
            case "go-sum":
                ParseGoSum(text, declaredIn, packages);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "not a lockfile format of this cataloger");
        }
        if (problem is not null) packages.Clear();
        return packages;
    }

    private static void ParseGoSum(string text, string declaredIn, List<CatalogedPackage> packages)
    {
        // "module version h1:hash" (the module's code) or "module version/go.mod h1:hash" (its go.mod only).
        var newest = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var parts = raw.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || parts[1].EndsWith("/go.mod", StringComparison.Ordinal)) continue;
            var (module, version) = (parts[0], parts[1]);
            if (!newest.TryGetValue(module, out var seen) || Versions.GoVersionScheme.Instance.Compare(version, seen) > 0) newest[module] = version;
        }
        foreach (var (module, version) in newest.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            var slash = module.LastIndexOf('/');
            if (PackageUrl.TryCreate("golang", slash > 0 ? module[..slash] : null, slash > 0 ? module[(slash + 1)..] : module, version, null, null, out var purl, out _))
                packages.Add(new CatalogedPackage("Go", module, version, purl, declaredIn));
        }
    }

    private static void ParseGoMod(string text, string declaredIn, List<CatalogedPackage> packages)
    {
        var required = new List<(string Module, string Version)>();
        var replaced = new Dictionary<string, (string Module, string? Version)>(StringComparer.Ordinal);
        string? block = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw;
            var comment = line.IndexOf("//", StringComparison.Ordinal);
            if (comment >= 0) line = line[..comment];
            line = line.Trim();
            if (line.Length == 0) continue;
            if (block is not null)
            {
                if (line == ")")
                {
                    block = null;
                    continue;
                }
                Directive(block, line);
                continue;
            }
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0) continue;
            var verb = line[..space];
            var rest = line[(space + 1)..].Trim();
            if (rest == "(") block = verb;
            else Directive(verb, rest);
        }
        foreach (var (module, version) in required)
        {
            var (m, v) = replaced.TryGetValue(module + "@" + version, out var exact) ? exact
                : replaced.TryGetValue(module, out var any) ? any : (module, version);
            if (v is null) continue; // replaced by a local folder: the vendor's own code
            var slash = m.LastIndexOf('/');
            if (PackageUrl.TryCreate("golang", slash > 0 ? m[..slash] : null, slash > 0 ? m[(slash + 1)..] : m, v, null, null, out var purl, out _))
                packages.Add(new CatalogedPackage("Go", m, v, purl, declaredIn));
        }

        void Directive(string verb, string args)
        {
            var parts = args.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim('"')).ToArray();
            if (verb == "require" && parts.Length >= 2) required.Add((parts[0], parts[1]));
            else if (verb == "replace")
            {
                var arrow = Array.IndexOf(parts, "=>");
                if (arrow is 1 or 2 && parts.Length > arrow + 1)
                {
                    var from = arrow == 2 ? parts[0] + "@" + parts[1] : parts[0];
                    var to = parts[arrow + 1];
                    var local = to.StartsWith("./", StringComparison.Ordinal) || to.StartsWith("../", StringComparison.Ordinal) || to.StartsWith('/');
                    replaced[from] = (to, local ? null : parts.Length > arrow + 2 ? parts[arrow + 2] : null);
                }
            }
        }
    }
}
