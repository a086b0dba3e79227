using System.Xml;
using System.Xml.Linq;
using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Vulnerabilities.Catalogers;

/// <summary>
/// A Maven project and its direct dependencies from its <c>pom.xml</c>: the project's own coordinates (what it builds,
/// as Trivy and syft list it) and <c>project/dependencies/dependency</c>. A version is
/// taken when it is literal or a property this pom defines (<c>${jackson.version}</c> from <c>&lt;properties&gt;</c>,
/// <c>${project.version}</c>, <c>${project.groupId}</c>, the parent's); a dependency without a version takes it from this
/// pom's own <c>&lt;dependencyManagement&gt;</c>. What needs the parent pom, a BOM or a repository (or is a range) is
/// skipped, never guessed. Test-scoped dependencies are not shipped and are left out. A pom inside a jar
/// (<c>META-INF/maven/…/pom.xml</c>) describes a library's own build, not the app's, and is not read (its
/// <c>pom.properties</c> names the jar). The XML is read with DTDs prohibited, no resolver and a size cap. Pure.
/// </summary>
public static class PomXmlCataloger
{
    /// <summary>Largest pom read (real ones are tens of KB).</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>Most dependencies taken from one pom.</summary>
    public const int MaxPackages = 10_000;

    /// <summary>How deep property references may nest (<c>${a}</c> → <c>${b}</c> → ...).</summary>
    private const int MaxExpansions = 8;

    /// <summary>Whether <paramref name="path"/> (a member path) is a project's pom.xml (not one embedded in a jar's META-INF).</summary>
    public static bool Handles(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.EndsWith("pom.xml", StringComparison.Ordinal)
            && (path.Length == 7 || path[^8] is '/' or '!')
            && !path.Contains("META-INF/maven/", StringComparison.Ordinal);
    }

    /// <summary>The dependencies the pom declares with a version it settles itself; empty with the reason in <paramref name="problem"/> when unreadable.</summary>
    public static IReadOnlyList<CatalogedPackage> Parse(string xml, string declaredIn, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(xml);
        problem = null;
        var packages = new List<CatalogedPackage>();
        if (xml.Length > MaxBytes)
        {
            problem = $"larger than {MaxBytes} bytes";
            return packages;
        }
        XElement root;
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = MaxBytes };
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            root = XDocument.Load(reader).Root!;
        }
        catch (XmlException e)
        {
            problem = "not valid XML: " + e.Message;
            return packages;
        }
        if (root.Name.LocalName != "project")
        {
            problem = "the root element is not <project>";
            return packages;
        }

        var parent = Child(root, "parent");
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in Child(root, "properties")?.Elements() ?? [])
            properties.TryAdd(p.Name.LocalName, p.Value.Trim());
        void Define(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value)) properties[name] = value;
        }
        var groupId = Text(root, "groupId") ?? Text(parent, "groupId");
        var version = Text(root, "version") ?? Text(parent, "version");
        Define("project.groupId", groupId);
        Define("project.artifactId", Text(root, "artifactId"));
        Define("project.version", version);
        Define("pom.groupId", groupId);
        Define("pom.version", version);
        Define("version", version);
        Define("project.parent.groupId", Text(parent, "groupId"));
        Define("project.parent.version", Text(parent, "version"));

        // Versions this pom manages for its own dependencies (imported BOMs are elsewhere and not followed).
        var managed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var d in Child(Child(root, "dependencyManagement"), "dependencies")?.Elements().Where(e => e.Name.LocalName == "dependency") ?? [])
        {
            var g = Resolve(Text(d, "groupId"));
            var a = Resolve(Text(d, "artifactId"));
            var v = Resolve(Text(d, "version"));
            if (g is not null && a is not null && v is not null) managed.TryAdd(g + ":" + a, v);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (Resolve(groupId) is { } projectGroup && Resolve(Text(root, "artifactId")) is { } projectArtifact && Resolve(version) is { } projectVersion
            && PackageUrl.TryCreate("maven", projectGroup, projectArtifact, projectVersion, null, null, out var projectPurl, out _))
        {
            seen.Add(projectGroup + ":" + projectArtifact + "@" + projectVersion);
            packages.Add(new CatalogedPackage("Maven", projectGroup + ":" + projectArtifact, projectVersion, projectPurl, declaredIn));
        }
        foreach (var d in Child(root, "dependencies")?.Elements().Where(e => e.Name.LocalName == "dependency") ?? [])
        {
            if (packages.Count >= MaxPackages) break;
            if (string.Equals(Text(d, "scope"), "test", StringComparison.Ordinal)) continue;
            var g = Resolve(Text(d, "groupId"));
            var a = Resolve(Text(d, "artifactId"));
            if (g is null || a is null) continue;
            var v = Text(d, "version") is { } declared ? Resolve(declared) : managed.GetValueOrDefault(g + ":" + a);
            // Ranges ([1.0,2.0), (,1.0]) name no one version.
            if (v is null || v.IndexOfAny(['[', ']', '(', ')', ',']) >= 0) continue;
            if (!seen.Add(g + ":" + a + "@" + v)) continue;
            if (PackageUrl.TryCreate("maven", g, a, v, null, null, out var purl, out _))
                packages.Add(new CatalogedPackage("Maven", g + ":" + a, v, purl, declaredIn));
        }
        return packages;

        // ${name} references replaced from this pom's properties; null when one is unknown.
        string? Resolve(string? value)
        {
            if (string.IsNullOrEmpty(value)) return null;
            for (var i = 0; i < MaxExpansions && value.Contains("${", StringComparison.Ordinal); i++)
            {
                var start = value.IndexOf("${", StringComparison.Ordinal);
                var end = value.IndexOf('}', start);
                if (end < 0) return null;
                if (!properties.TryGetValue(value[(start + 2)..end], out var replacement)) return null;
                value = value[..start] + replacement + value[(end + 1)..];
                if (value.Length > 1024) return null;
            }
            return value.Contains("${", StringComparison.Ordinal) || value.Length == 0 ? null : value;
        }
    }

    private static XElement? Child(XElement? parent, string name) =>
        parent?.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    private static string? Text(XElement? parent, string name) =>
        Child(parent, name)?.Value.Trim() is { Length: > 0 } text ? text : null;
}
