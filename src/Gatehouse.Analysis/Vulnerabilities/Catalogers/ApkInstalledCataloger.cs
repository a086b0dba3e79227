using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Vulnerabilities.Catalogers;

/// <summary>
/// Alpine packages from apk's database, <c>lib/apk/db/installed</c>: one stanza per package, separated by blank lines,
/// each line a one-letter key, a colon and a value (apk-tools' "installed database" format: <c>P</c> name, <c>V</c>
/// version, <c>A</c> architecture, <c>o</c> origin, i.e. the source package that Alpine's advisories name). Pure and bounded.
/// </summary>
public static class ApkInstalledCataloger
{
    /// <summary>Largest database read.</summary>
    public const int MaxBytes = 64 * 1024 * 1024;

    /// <summary>Most packages taken from one file.</summary>
    public const int MaxPackages = 100_000;

    /// <summary>Whether <paramref name="path"/> (a member path) is an apk installed database.</summary>
    public static bool Handles(string path) => path.EndsWith("lib/apk/db/installed", StringComparison.Ordinal);

    /// <summary>
    /// The packages in <paramref name="text"/>: <c>pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&amp;distro=3.20.1</c> (the
    /// <c>distro</c> qualifier is the release alone, as Trivy writes it; none without <paramref name="os"/>).
    /// </summary>
    public static IReadOnlyList<CatalogedPackage> Parse(string text, string declaredIn, OsRelease? os)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxBytes) text = text[..MaxBytes];
        var packages = new List<CatalogedPackage>();
        string? name = null, version = null, arch = null, origin = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                Flush();
                continue;
            }
            if (line.Length < 2 || line[1] != ':') continue;
            var value = line[2..].Trim();
            switch (line[0])
            {
                case 'P': name = value; break;
                case 'V': version = value; break;
                case 'A': arch = value; break;
                case 'o': origin = value; break;
            }
        }
        Flush();
        return packages;

        void Flush()
        {
            if (!string.IsNullOrEmpty(name) && !string.IsNullOrEmpty(version) && packages.Count < MaxPackages)
            {
                var qualifiers = new List<KeyValuePair<string, string>>();
                if (!string.IsNullOrEmpty(arch)) qualifiers.Add(KeyValuePair.Create("arch", arch));
                if (os?.VersionId is { } release) qualifiers.Add(KeyValuePair.Create("distro", release));
                packages.Add(new CatalogedPackage("Alpine", name, version, PackageUrl.Create("apk", os?.Id ?? "alpine", name, version, qualifiers), declaredIn)
                {
                    SourceName = !string.IsNullOrEmpty(origin) && origin != name ? origin : null,
                });
            }
            name = version = arch = origin = null;
        }
    }
}
