using System.Collections.Frozen;
using Gatehouse.Analysis.Vulnerabilities.Catalogers;

namespace Gatehouse.Analysis.Analyzers.Dependencies;

/// <summary>
/// Which cataloger reads a file, from its path alone: the one decision the <c>dependencies</c> analyzer makes for every
/// member of every artifact, so it must cost next to nothing for the files none reads. The last path segment is looked up
/// in a frozen set without a copy (plus the two suffixes and one prefix catalogers accept); only a name that can match
/// asks the cataloger's own <c>Handles</c>/<c>FormatOf</c>, which has the last word.
/// </summary>
internal static class DependencyFiles
{
    // Every file name a cataloger reads (exactly), and the release files that identify a distribution.
    private static readonly FrozenSet<string> Names = new[]
    {
        "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "package.json",
        "packages.lock.json",
        "Pipfile.lock", "poetry.lock", "METADATA", "PKG-INFO",
        "Cargo.lock", "composer.lock", "go.mod", "go.sum", "Gemfile.lock", "gems.locked",
        "pom.xml", "pom.properties",
        "status", "installed", "rpmdb.sqlite",
        "os-release", "debian_version", "alpine-release",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> NameLookup = Names.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The format of the file at <paramref name="path"/> (a nested member path), or null when no cataloger reads it.</summary>
    public static DependencyFormat? Classify(string path)
    {
        var name = path.AsSpan(path.LastIndexOfAny('/', '!') + 1);
        if (!NameLookup.Contains(name)
            && !name.EndsWith(".deps.json", StringComparison.OrdinalIgnoreCase)
            && !name.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase)
            && !(name.StartsWith("requirements", StringComparison.Ordinal) && name.EndsWith(".txt", StringComparison.Ordinal)))
            return null;

        if (NpmLockCataloger.Handles(path)) return DependencyFormat.NpmLock;
        if (PnpmLockCataloger.Handles(path)) return DependencyFormat.PnpmLock;
        if (NuGetCataloger.Handles(path)) return DependencyFormat.NuGet;
        if (NuspecCataloger.Handles(path)) return DependencyFormat.Nuspec;
        if (DpkgStatusCataloger.Handles(path)) return DependencyFormat.Dpkg;
        if (ApkInstalledCataloger.Handles(path)) return DependencyFormat.Apk;
        if (RpmDbCataloger.Handles(path)) return DependencyFormat.RpmDb;
        if (PomXmlCataloger.Handles(path)) return DependencyFormat.PomXml;
        if (Distro.RootOf(path, Distro.ReleaseFiles) is not null) return DependencyFormat.Release;
        if (PythonCataloger.FormatOf(path) is not null) return DependencyFormat.Python;
        if (LockfileCatalogers.FormatOf(path) is not null) return DependencyFormat.Lockfile;
        if (TextLockCatalogers.FormatOf(path) is not null) return DependencyFormat.TextLock;
        if (ManifestCatalogers.FormatOf(path) is not null) return DependencyFormat.Manifest;
        return null;
    }
}
