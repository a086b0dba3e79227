using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Vulnerabilities.Catalogers;

/// <summary>
/// Line-oriented lockfiles: <c>yarn.lock</c> (classic v1: quoted specifier lines and an indented <c>version "x"</c>;
/// berry v2+: YAML with <c>resolution: "name@npm:x"</c>, where only the <c>npm:</c> protocol names a registry package)
/// and Ruby's <c>Gemfile.lock</c> (the <c>specs:</c> of the <c>GEM</c> section, 4-space entries <c>name (version)</c>;
/// a platform suffix such as <c>-x86_64-linux</c> is not part of the version). Pure and bounded.
/// </summary>
public static class TextLockCatalogers
{
    /// <summary>Largest file read.</summary>
    public const int MaxBytes = 32 * 1024 * 1024;

    /// <summary>Which format <paramref name="path"/> (a member path) is: <c>yarn-lock</c>, <c>gemfile-lock</c>, or null.</summary>
    public static string? FormatOf(string path) => path[(path.LastIndexOf('/') + 1)..] switch
    {
        "yarn.lock" => "yarn-lock",
        "Gemfile.lock" or "gems.locked" => "gemfile-lock",
        _ => null,
    };

    /// <summary>The packages of a file in <paramref name="format"/>.</summary>
    public static IReadOnlyList<CatalogedPackage> Parse(string format, string text, string declaredIn)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxBytes) text = text[..MaxBytes];
        var packages = new List<CatalogedPackage>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (format == "yarn-lock") Yarn(text, declaredIn, packages, seen);
        else if (format == "gemfile-lock") Gems(text, declaredIn, packages, seen);
        else throw new ArgumentOutOfRangeException(nameof(format), format, "not a format of this cataloger");
        return packages;
    }

    private static void Yarn(string text, string declaredIn, List<CatalogedPackage> packages, HashSet<string> seen)
    {
        string? name = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#') continue;
            if (line[0] != ' ')
            {
                // A new entry: "@babel/core@^7.0.0", "@babel/core@^7.1.0": (classic) or "lodash@npm:^4.17.21": (berry).
                var first = line.TrimEnd(':').Split(',')[0].Trim().Trim('"');
                var at = first.LastIndexOf('@');
                name = at > 0 ? first[..at] : null;
                continue;
            }
            var trimmed = line.Trim();
            if (name is not null && trimmed.StartsWith("version ", StringComparison.Ordinal) && !text.Contains("__metadata:", StringComparison.Ordinal))
            {
                Add(name, trimmed["version ".Length..].Trim().Trim('"'));
            }
            else if (trimmed.StartsWith("resolution:", StringComparison.Ordinal))
            {
                // berry: resolution: "@scope/name@npm:1.2.3"; workspace:, patch:, git and file sources are not registry packages.
                var resolution = trimmed["resolution:".Length..].Trim().Trim('"');
                var npm = resolution.LastIndexOf("@npm:", StringComparison.Ordinal);
                if (npm > 0) Add(resolution[..npm], resolution[(npm + "@npm:".Length)..]);
            }
        }

        void Add(string packageName, string version)
        {
            if (version.Length == 0 || version.Contains(':', StringComparison.Ordinal) || !seen.Add(packageName + "@" + version)) return;
            if (NpmPackages.Create(packageName, version, declaredIn) is { } package) packages.Add(package);
        }
    }

    private static void Gems(string text, string declaredIn, List<CatalogedPackage> packages, HashSet<string> seen)
    {
        string? section = null;
        var inSpecs = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            if (line[0] != ' ')
            {
                section = line.Trim();
                inSpecs = false;
                continue;
            }
            if (line.Trim() == "specs:")
            {
                inSpecs = true;
                continue;
            }
            // Packages sit at exactly four spaces; their dependencies at six.
            if (section != "GEM" || !inSpecs || !line.StartsWith("    ", StringComparison.Ordinal) || line.Length > 4 && line[4] == ' ') continue;
            var entry = line.Trim();
            var open = entry.IndexOf(" (", StringComparison.Ordinal);
            if (open <= 0 || !entry.EndsWith(')')) continue;
            var name = entry[..open];
            var version = entry[(open + 2)..^1];
            var platform = version.IndexOf('-', StringComparison.Ordinal);
            if (platform > 0) version = version[..platform];
            if (!seen.Add(name + "@" + version)) continue;
            if (PackageUrl.TryCreate("gem", null, name, version, null, null, out var purl, out _))
                packages.Add(new CatalogedPackage("RubyGems", name, version, purl, declaredIn));
        }
    }
}
