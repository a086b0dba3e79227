using System.Text.Json;
using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Vulnerabilities.Catalogers;

/// <summary>
/// NuGet packages from a .NET app's <c>*.deps.json</c> (what the runtime loads: <c>libraries</c> of type
/// <c>package</c>, keyed <c>Name/Version</c>) and from <c>packages.lock.json</c> (<c>dependencies</c> per target
/// framework, <c>resolved</c> versions; <c>Project</c> entries are the solution's own projects, not packages).
/// Pure and bounded (<see cref="MaxBytes"/>, JSON depth 64, <see cref="MaxPackages"/>).
/// </summary>
public static class NuGetCataloger
{
    /// <summary>Largest file read.</summary>
    public const int MaxBytes = 64 * 1024 * 1024;

    /// <summary>Most packages taken from one file.</summary>
    public const int MaxPackages = 100_000;

    /// <summary>Whether <paramref name="path"/> (a member path) is a file this cataloger reads.</summary>
    public static bool Handles(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        return name == "packages.lock.json" || name.EndsWith(".deps.json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The packages in the file; an empty list with the reason in <paramref name="problem"/> when it is not one we read.</summary>
    public static IReadOnlyList<CatalogedPackage> Parse(ReadOnlyMemory<byte> json, string declaredIn, out string? problem)
    {
        problem = null;
        var packages = new List<CatalogedPackage>();
        if (json.Length > MaxBytes)
        {
            problem = $"larger than {MaxBytes} bytes";
            return packages;
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            using var doc = Pipeline.StrictJson.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "not a JSON object";
                return packages;
            }
            if (root.TryGetProperty("libraries", out var libraries) && libraries.ValueKind == JsonValueKind.Object)
            {
                foreach (var library in libraries.EnumerateObject())
                {
                    if (library.Value.ValueKind != JsonValueKind.Object || Text(library.Value, "type") != "package") continue;
                    var slash = library.Name.IndexOf('/', StringComparison.Ordinal);
                    if (slash <= 0 || slash == library.Name.Length - 1) continue;
                    Add(library.Name[..slash], library.Name[(slash + 1)..]);
                }
            }
            else if (root.TryGetProperty("dependencies", out var frameworks) && frameworks.ValueKind == JsonValueKind.Object)
            {
                foreach (var framework in frameworks.EnumerateObject())
                {
                    if (framework.Value.ValueKind != JsonValueKind.Object) continue;
                    foreach (var dependency in framework.Value.EnumerateObject())
                    {
                        if (dependency.Value.ValueKind != JsonValueKind.Object) continue;
                        if (string.Equals(Text(dependency.Value, "type"), "Project", StringComparison.OrdinalIgnoreCase)) continue;
                        if (Text(dependency.Value, "resolved") is { } resolved) Add(dependency.Name, resolved);
                    }
                }
            }
            else
            {
                problem = "neither 'libraries' (deps.json) nor 'dependencies' (packages.lock.json)";
            }
        }
        catch (JsonException e)
        {
            problem = "not valid JSON: " + e.Message;
            packages.Clear();
        }
        return packages;

        void Add(string name, string version)
        {
            if (packages.Count >= MaxPackages || !seen.Add(name + "/" + version)) return;
            if (PackageUrl.TryCreate("nuget", null, name, version, null, null, out var purl, out _))
                packages.Add(new CatalogedPackage("NuGet", name, version, purl, declaredIn));
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
