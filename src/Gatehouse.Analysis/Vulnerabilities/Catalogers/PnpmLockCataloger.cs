using Gatehouse.Analysis.Vulnerabilities.Packages;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gatehouse.Analysis.Vulnerabilities.Catalogers;

/// <summary>
/// npm packages from <c>pnpm-lock.yaml</c>: the keys of its <c>packages</c> map, in every lockfile version pnpm has
/// written (v5: <c>/name/1.2.3</c>; v6: <c>/name@1.2.3</c>; v9: <c>name@1.2.3</c>; scoped names and peer-dependency
/// suffixes such as <c>(react@18.2.0)</c> included). Entries marked <c>dev: true</c> (v5, v6) are left out, as Trivy
/// does. Pure and bounded: YAML aliases are refused (no billion-laughs expansion), size capped.
/// </summary>
public static class PnpmLockCataloger
{
    /// <summary>Largest lockfile read.</summary>
    public const int MaxBytes = 32 * 1024 * 1024;

    /// <summary>Whether <paramref name="path"/> (a member path) is a pnpm lockfile.</summary>
    public static bool Handles(string path) => path[(path.LastIndexOf('/') + 1)..] == "pnpm-lock.yaml";

    /// <summary>The packages of the lockfile; empty with the reason in <paramref name="problem"/> when unreadable.</summary>
    public static IReadOnlyList<CatalogedPackage> Parse(string text, string declaredIn, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        problem = null;
        var packages = new List<CatalogedPackage>();
        if (text.Length > MaxBytes)
        {
            problem = $"larger than {MaxBytes} bytes";
            return packages;
        }
        YamlMappingNode? root;
        try
        {
            // Aliases first, at the event level: pnpm never writes them, and a node graph with shared aliases can be
            // exponentially large to walk (billion laughs).
            var parser = new Parser(new StringReader(text));
            while (parser.MoveNext())
            {
                if (parser.Current is YamlDotNet.Core.Events.AnchorAlias)
                {
                    problem = "YAML aliases are not used by pnpm and are refused";
                    return packages;
                }
            }
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws InvalidOperationException (its scanner, for some broken flow mappings: "a: { x\n\nb") and
            // ArgumentException (its node loader, for an event it does not expect) instead of a YamlException (found by
            // fuzzing, issue 21): the same malformed YAML. ChartYaml and SafeYaml catch the same.
            problem = "not valid YAML: " + e.Message;
            return packages;
        }
        if (root is null || !root.Children.TryGetValue(new YamlScalarNode("packages"), out var node) || node is not YamlMappingNode map)
        {
            problem = "no 'packages' map";
            return packages;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key }) continue;
            if (value is YamlMappingNode entry && entry.Children.TryGetValue(new YamlScalarNode("dev"), out var dev) && dev is YamlScalarNode { Value: "true" }) continue;
            var (name, version) = Split(key);
            if (name is null || version is null || !seen.Add(name + "@" + version)) continue;
            if (NpmPackages.Create(name, version, declaredIn) is { } package) packages.Add(package);
        }
        return packages;
    }

    /// <summary>Name and version from a <c>packages</c> key of any lockfile version.</summary>
    internal static (string? Name, string? Version) Split(string key)
    {
        var k = key.TrimStart('/');
        var peers = k.IndexOf('(', StringComparison.Ordinal);
        if (peers > 0) k = k[..peers];
        // v5: name/version, a peer suffix after '_' (/react-dom/18.2.0_react@18.2.0; scoped: /@babel/core/7.24.0).
        var underscore = k.IndexOf('_', StringComparison.Ordinal);
        var head = underscore > 0 ? k[..underscore] : k;
        var slash = head.LastIndexOf('/');
        if (slash > 0 && slash + 1 < head.Length && char.IsAsciiDigit(head[slash + 1]) && !head[(slash + 1)..].Contains('@', StringComparison.Ordinal))
            return (head[..slash], head[(slash + 1)..]);
        // v6 and v9: name@version.
        var at = k.LastIndexOf('@');
        return at > 0 ? (k[..at], k[(at + 1)..]) : (null, null);
    }
}
