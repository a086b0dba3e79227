using System.Globalization;

namespace Gatehouse.Analysis.Vulnerabilities.Catalogers;

/// <summary>
/// The distribution a system root is, identified the way the distributions do: <c>etc/os-release</c> (systemd's
/// os-release(5); <c>usr/lib/os-release</c> when <c>etc/</c> has none), then <c>etc/debian_version</c> and
/// <c>etc/alpine-release</c>, which Debian and Alpine write themselves (the point release, <c>12.5</c>, <c>3.20.1</c>).
/// Turns that into what OS packages need: the purl namespace and <c>distro</c> qualifier (written as Trivy writes
/// them, so SBOMs compare) and the OSV ecosystem with its release (<c>Debian:12</c>, <c>Ubuntu:22.04:LTS</c>,
/// <c>Alpine:v3.20</c>), which is how distribution advisories are keyed.
/// </summary>
/// <param name="Id">os-release <c>ID</c>, lower case: <c>debian</c>, <c>ubuntu</c>, <c>alpine</c>, <c>rocky</c>, ...</param>
/// <param name="VersionId">os-release <c>VERSION_ID</c> (or the release file's), null when unknown (testing, sid, edge).</param>
/// <param name="PointRelease">The release file's text when it is a version (<c>12.5</c>, <c>3.20.1</c>); null otherwise.</param>
/// <param name="IdLike">os-release <c>ID_LIKE</c>.</param>
/// <param name="Lts">Whether os-release's <c>VERSION</c> says LTS (Ubuntu).</param>
public sealed record Distro(string Id, string? VersionId, string? PointRelease, IReadOnlyList<string> IdLike, bool Lts)
{
    /// <summary>The files that identify a distribution, as paths relative to its root, in the order they are asked.</summary>
    public static readonly IReadOnlyList<string> ReleaseFiles = ["etc/os-release", "usr/lib/os-release", "etc/debian_version", "etc/alpine-release"];

    /// <summary>The package databases of OS package managers, relative to the system root they describe.</summary>
    public static readonly IReadOnlyList<string> PackageDatabases =
        ["var/lib/dpkg/status", "lib/apk/db/installed", "var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite"];

    /// <summary>
    /// The system root of <paramref name="path"/> when it ends with one of <paramref name="suffixes"/> at a segment
    /// boundary (<c>img.tar!/var/lib/dpkg/status</c> → <c>img.tar!/</c>), with the suffix it ended in; null otherwise.
    /// </summary>
    public static (string Root, string Suffix)? RootOf(string path, IReadOnlyList<string> suffixes)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(suffixes);
        foreach (var suffix in suffixes)
        {
            if (!path.EndsWith(suffix, StringComparison.Ordinal)) continue;
            var root = path[..^suffix.Length];
            if (root.Length == 0 || root[^1] == '/') return (root, suffix);
        }
        return null;
    }

    /// <summary>
    /// The distribution from the texts of its release files (any may be null); null when none identifies one.
    /// os-release wins; <c>debian_version</c> and <c>alpine-release</c> stand in without it and give the point release.
    /// </summary>
    public static Distro? Identify(string? osRelease, string? usrLibOsRelease, string? debianVersion, string? alpineRelease)
    {
        var os = (osRelease is null ? null : OsRelease.Parse(osRelease)) ?? (usrLibOsRelease is null ? null : OsRelease.Parse(usrLibOsRelease));
        var debian = ReleaseNumber(debianVersion);
        var alpine = ReleaseNumber(alpineRelease);
        if (os is not null)
        {
            var point = os.Id switch
            {
                "debian" => debian,
                "alpine" => alpine ?? os.VersionId,
                _ => null,
            };
            var version = os.VersionId ?? (os.Id == "debian" ? debian?.Split('.')[0] : null);
            var lts = os.PrettyName?.Contains("LTS", StringComparison.Ordinal) == true || LtsVersion(os.Id, os.VersionId);
            return new Distro(os.Id, version, point, os.IdLike, lts);
        }
        if (alpine is not null) return new Distro("alpine", alpine, alpine, [], false);
        if (debian is not null) return new Distro("debian", debian.Split('.')[0], debian, [], false);
        return null;
    }

    /// <summary>
    /// The purl namespace of this distribution's packages (<c>deb</c>, <c>apk</c>, <c>rpm</c>): the ID,
    /// except Red Hat Enterprise Linux (<c>rhel</c>), which purls and Trivy name <c>redhat</c>.
    /// </summary>
    public string Namespace => Id == "rhel" ? "redhat" : Id;

    /// <summary>
    /// The purl <c>distro</c> qualifier for a package of <paramref name="purlType"/>, as Trivy writes it: apk the release
    /// alone (<c>3.20.1</c>), deb and rpm the ID and release (<c>debian-12.5</c>, <c>ubuntu-22.04</c>, <c>rocky-9.3</c>);
    /// null when the release is unknown.
    /// </summary>
    public string? PurlDistro(string purlType)
    {
        var release = PointRelease ?? VersionId;
        if (release is null) return null;
        return purlType == "apk" ? release : $"{Namespace}-{release}";
    }

    /// <summary>
    /// The OSV ecosystem of this distribution's packages (OSV's ecosystem list: <c>Debian:12</c>, <c>Ubuntu:22.04:LTS</c>
    /// or <c>Ubuntu:24.10</c>, <c>Alpine:v3.20</c>, <c>Rocky Linux:9</c>, <c>AlmaLinux:9</c>, <c>Mageia:9</c>), or the
    /// family's bare name (<paramref name="fallback"/>) when the release, or the distribution, has no OSV ecosystem of its own.
    /// </summary>
    public string Ecosystem(string fallback)
    {
        var major = VersionId?.Split('.')[0];
        return Id switch
        {
            "debian" when major is not null => "Debian:" + major,
            "ubuntu" when VersionId is not null => "Ubuntu:" + VersionId + (Lts ? ":LTS" : ""),
            "alpine" when VersionId is not null && MajorMinor(VersionId) is { } mm => "Alpine:v" + mm,
            "rocky" when major is not null => "Rocky Linux:" + major,
            "almalinux" when major is not null => "AlmaLinux:" + major,
            "mageia" when major is not null => "Mageia:" + major,
            "debian" => "Debian",
            "ubuntu" => "Ubuntu",
            "alpine" => "Alpine",
            "rhel" => "Red Hat",
            _ => fallback,
        };
    }

    /// <summary>A release file's text when it is a version number (<c>12.5</c>); null for <c>trixie/sid</c>, empty or absent.</summary>
    private static string? ReleaseNumber(string? text)
    {
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value) || value.Length > 32) return null;
        return char.IsAsciiDigit(value[0]) && value.All(c => char.IsAsciiDigit(c) || c is '.' or '_' or '-' or '~' || char.IsAsciiLetterLower(c)) ? value : null;
    }

    /// <summary><c>3.20</c> of <c>3.20.1</c>.</summary>
    private static string? MajorMinor(string version)
    {
        var parts = version.Split('.');
        return parts.Length >= 2 ? parts[0] + "." + parts[1] : null;
    }

    /// <summary>Ubuntu's LTS releases are the April releases of even years (<c>22.04</c>), when os-release does not say.</summary>
    private static bool LtsVersion(string id, string? versionId) =>
        id == "ubuntu" && versionId is { Length: 5 } v && v.EndsWith(".04", StringComparison.Ordinal)
        && int.TryParse(v[..2], NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year % 2 == 0;
}
