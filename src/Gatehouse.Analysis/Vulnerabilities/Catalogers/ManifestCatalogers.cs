using System.Text.Json;
using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Vulnerabilities.Catalogers;

/// <summary>
/// Packages that describe themselves where they are installed or embedded: an npm package's own <c>package.json</c>
/// inside <c>node_modules</c> (<c>node_modules/name/package.json</c>, <c>node_modules/@scope/name/package.json</c>; a
/// bundle that ships its dependencies has no lockfile), and a Maven artifact's <c>META-INF/maven/GROUP/ARTIFACT/pom.properties</c>
/// inside a jar (how a fat jar carries the coordinates of what it embeds). Pure and bounded.
/// </summary>
public static class ManifestCatalogers
{
    /// <summary>Largest manifest read (real ones are a few KB).</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>Which format <paramref name="path"/> (a member path) is: <c>node-package</c>, <c>pom-properties</c>, or null.</summary>
    public static string? FormatOf(string path)
    {
        var parts = path.Split('/');
        if (parts.Length >= 3 && parts[^1] == "package.json")
        {
            if (parts[^3] == "node_modules") return "node-package";
            if (parts.Length >= 4 && parts[^4] == "node_modules" && parts[^3].StartsWith('@')) return "node-package";
        }
        if (parts.Length >= 5 && parts[^1] == "pom.properties" && parts[^4] == "maven" && parts[^5] == "META-INF") return "pom-properties";
        return null;
    }

    /// <summary>The package a manifest describes, or null when it names none.</summary>
    public static CatalogedPackage? Parse(string format, string text, string declaredIn)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxBytes) return null;
        if (format == "node-package")
        {
            try
            {
                using var doc = Pipeline.StrictJson.Parse(text, new JsonDocumentOptions { MaxDepth = 64, AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) return null;
                var name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                var version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(version)) return null;
                return NpmPackages.Create(name, version, declaredIn);
            }
            catch (JsonException)
            {
                return null;
            }
        }
        if (format == "pom-properties")
        {
            // java.util.Properties: key=value or key: value, '#' and '!' comments.
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var raw in text.Split('\n'))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line[0] is '#' or '!') continue;
                var sep = line.IndexOfAny(['=', ':']);
                if (sep > 0) values[line[..sep].Trim()] = line[(sep + 1)..].Trim();
            }
            if (!values.TryGetValue("groupId", out var group) || !values.TryGetValue("artifactId", out var artifact) || !values.TryGetValue("version", out var version)
                || group.Length == 0 || artifact.Length == 0 || version.Length == 0) return null;
            return PackageUrl.TryCreate("maven", group, artifact, version, null, null, out var purl, out _)
                ? new CatalogedPackage("Maven", group + ":" + artifact, version, purl, declaredIn)
                : null;
        }
        throw new ArgumentOutOfRangeException(nameof(format), format, "not a format of this cataloger");
    }
}
