using System.Text.Json;
using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Vulnerabilities.Catalogers;

/// <summary>
/// npm packages from <c>package-lock.json</c> / <c>npm-shrinkwrap.json</c>, lockfile versions 1 (nested
/// <c>dependencies</c>), 2 and 3 (flat <c>packages</c> keyed by install path, <c>node_modules/@scope/name</c>).
/// Development-only packages (<c>"dev": true</c>) and links to workspace folders are left out, as Trivy does by
/// default: they are not installed for a production build. The root project (key <c>""</c>) is not a dependency.
/// Pure and bounded (<see cref="MaxBytes"/>, JSON depth 256, <see cref="MaxPackages"/>).
/// </summary>
public static class NpmLockCataloger
{
    /// <summary>Largest lockfile read.</summary>
    public const int MaxBytes = 64 * 1024 * 1024;

    /// <summary>Most packages taken from one lockfile.</summary>
    public const int MaxPackages = 200_000;

    /// <summary>Whether <paramref name="path"/> (a member path) is an npm lockfile.</summary>
    public static bool Handles(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        return name is "package-lock.json" or "npm-shrinkwrap.json";
    }

    /// <summary>The packages of the lockfile; an empty list with the reason in <paramref name="problem"/> when it is not one.</summary>
    public static IReadOnlyList<CatalogedPackage> Parse(ReadOnlyMemory<byte> json, string declaredIn, out string? problem)
    {
        problem = null;
        var packages = new List<CatalogedPackage>();
        if (json.Length > MaxBytes)
        {
            problem = $"larger than {MaxBytes} bytes";
            return packages;
        }
        try
        {
            using var doc = Pipeline.StrictJson.Parse(json, new JsonDocumentOptions { MaxDepth = 256, AllowTrailingCommas = false });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "not a JSON object";
                return packages;
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            if (root.TryGetProperty("packages", out var flat) && flat.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in flat.EnumerateObject())
                {
                    if (entry.Name.Length == 0 || entry.Value.ValueKind != JsonValueKind.Object) continue; // the root project
                    var at = entry.Name.LastIndexOf("node_modules/", StringComparison.Ordinal);
                    if (at < 0) continue; // a workspace folder, not an installed package
                    var name = Text(entry.Value, "name") ?? entry.Name[(at + "node_modules/".Length)..];
                    Add(name, Text(entry.Value, "version"), entry.Value);
                }
            }
            else if (root.TryGetProperty("dependencies", out var nested) && nested.ValueKind == JsonValueKind.Object)
            {
                Walk(nested);
            }
            else
            {
                problem = "neither 'packages' nor 'dependencies'";
            }

            void Walk(JsonElement dependencies)
            {
                foreach (var entry in dependencies.EnumerateObject())
                {
                    if (entry.Value.ValueKind != JsonValueKind.Object) continue;
                    Add(entry.Name, Text(entry.Value, "version"), entry.Value);
                    if (entry.Value.TryGetProperty("dependencies", out var inner) && inner.ValueKind == JsonValueKind.Object) Walk(inner);
                }
            }

            void Add(string name, string? version, JsonElement entry)
            {
                if (packages.Count >= MaxPackages || string.IsNullOrEmpty(version)) return;
                if (Flag(entry, "dev") || Flag(entry, "link")) return;
                // v1 writes aliases and non-registry sources as the version ("npm:other@1.0.0", "github:user/repo#sha", "file:../x").
                if (version.Contains(':', StringComparison.Ordinal)) return;
                if (!seen.Add(name + "@" + version)) return;
                if (NpmPackages.Create(name, version, declaredIn) is { } package) packages.Add(package);
            }
        }
        catch (JsonException e)
        {
            problem = "not valid JSON: " + e.Message;
            packages.Clear();
        }
        return packages;
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool Flag(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
}
