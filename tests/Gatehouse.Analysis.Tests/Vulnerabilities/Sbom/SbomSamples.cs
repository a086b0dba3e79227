using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Vulnerabilities.Matching;
using Gatehouse.Analysis.Vulnerabilities.Packages;
using Gatehouse.Analysis.Vulnerabilities.Sbom;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Sbom;

/// <summary>Packages and matches shaped like what the catalogers and the advisory store produce.</summary>
internal static class SbomSamples
{
    public const string Sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    public static readonly DateTimeOffset When = new(2026, 12, 5, 14, 0, 0, TimeSpan.Zero);

    public static SbomSubject Subject => new("shop app.zip", "2.4.1", Sha, SbomSubjectType.Application);

    public static CatalogedPackage Npm(string name, string version, string declaredIn = "app/package-lock.json")
    {
        var slash = name.StartsWith('@') ? name.IndexOf('/', StringComparison.Ordinal) : -1;
        return new CatalogedPackage("npm", name, version,
            PackageUrl.Create("npm", slash > 0 ? name[..slash] : null, slash > 0 ? name[(slash + 1)..] : name, version), declaredIn);
    }

    /// <summary>Nine ecosystems, a scoped npm name, a Maven group, a Go module path, an OS package with a source package,
    /// and names that need escaping in JSON and in purls.</summary>
    public static List<CatalogedPackage> Mixed() =>
    [
        Npm("lodash", "4.17.20"),
        Npm("@babel/core", "7.24.0"),
        Npm("lodash", "4.17.20", "app/vendor/legacy/package-lock.json"),
        new("NuGet", "Newtonsoft.Json", "13.0.1", PackageUrl.Create("nuget", null, "Newtonsoft.Json", "13.0.1"), "bin/app.deps.json"),
        new("PyPI", "django", "3.2.0", PackageUrl.Create("pypi", null, "Django", "3.2.0"), "requirements.txt"),
        new("Maven", "org.apache.logging.log4j:log4j-core", "2.14.1",
            PackageUrl.Create("maven", "org.apache.logging.log4j", "log4j-core", "2.14.1"), "lib/app.jar!/META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties"),
        new("Go", "golang.org/x/text", "v0.3.7", PackageUrl.Create("golang", "golang.org/x", "text", "v0.3.7"), "go.mod"),
        new("crates.io", "smallvec", "1.6.0", PackageUrl.Create("cargo", null, "smallvec", "1.6.0"), "Cargo.lock"),
        new("RubyGems", "nokogiri", "1.13.0", PackageUrl.Create("gem", null, "nokogiri", "1.13.0"), "Gemfile.lock"),
        new("Packagist", "symfony/http-kernel", "5.4.0", PackageUrl.Create("composer", "symfony", "http-kernel", "5.4.0"), "composer.lock"),
        new("Debian:12", "libssl3", "3.0.11-1~deb12u2",
            PackageUrl.Create("deb", "debian", "libssl3", "3.0.11-1~deb12u2", [new("arch", "amd64"), new("distro", "debian-12")]), "var/lib/dpkg/status")
        {
            SourceName = "openssl",
        },
        new("Alpine:v3.19", "musl", "1.2.4-r2", PackageUrl.Create("apk", "alpine", "musl", "1.2.4-r2", [new("arch", "x86_64")]), "lib/apk/db/installed"),
        // Hostile-looking names and paths: quotes, backslashes, control characters, non-ASCII, HTML.
        Npm("\"quoted\"<script>", "1.0.0-beta+exp.sha.5114f85", "we\"ird/pa\\th/ünïcode\u0001/package.json"),
    ];

    public static List<AdvisoryMatch> Matches(IReadOnlyList<CatalogedPackage> packages)
    {
        var lodash = packages.Where(p => p.Name == "lodash").ToList();
        var log4j = packages.Single(p => p.Ecosystem == "Maven");
        var openssl = packages.Single(p => p.Ecosystem == "Debian:12");
        var modified = new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero);
        var list = lodash.Select(p => new AdvisoryMatch(p, "GHSA-35jh-r3h4-6jhm", ["CVE-2021-23337"], "Command Injection in lodash",
            Severity.High, new CvssScore("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", "3.1", 7.2), ["4.17.21"], modified)).ToList();
        list.Add(new AdvisoryMatch(log4j, "GHSA-jfh8-c2jp-5v3q", ["CVE-2021-44228"], "Remote code injection in Log4j", Severity.Critical,
            new CvssScore("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", "4.0", 10.0), ["2.15.0", "2.12.2"], modified));
        list.Add(new AdvisoryMatch(openssl, "DSA-5532-1", ["CVE-2023-5363"], null, Severity.Medium, null, [], modified) { Uncertain = true });
        return list;
    }
}
