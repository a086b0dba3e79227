using Gatehouse.Analysis.Analyzers.Dependencies;

namespace Gatehouse.Analysis.Tests.Analyzers.Dependencies;

public sealed class DependencyFilesTests
{
    [Theory]
    [InlineData("a.zip!/package-lock.json", "NpmLock")]
    [InlineData("a.zip!/web/pnpm-lock.yaml", "PnpmLock")]
    [InlineData("a.zip!/bin/App.deps.json", "NuGet")]
    [InlineData("a.zip!/x.nupkg!/X.nuspec", "Nuspec")]
    [InlineData("img.tar!/var/lib/dpkg/status", "Dpkg")]
    [InlineData("img.tar!/lib/apk/db/installed", "Apk")]
    [InlineData("img.tar!/var/lib/rpm/rpmdb.sqlite", "RpmDb")]
    [InlineData("img.tar!/usr/lib/sysimage/rpm/rpmdb.sqlite", "RpmDb")]
    [InlineData("a.zip!/pom.xml", "PomXml")]
    [InlineData("img.tar!/etc/os-release", "Release")]
    [InlineData("img.tar!/etc/debian_version", "Release")]
    [InlineData("a.zip!/requirements-prod.txt", "Python")]
    [InlineData("a.zip!/site-packages/requests-2.31.0.dist-info/METADATA", "Python")]
    [InlineData("a.zip!/go.sum", "Lockfile")]
    [InlineData("a.zip!/Cargo.lock", "Lockfile")]
    [InlineData("a.zip!/yarn.lock", "TextLock")]
    [InlineData("a.zip!/node_modules/@babel/core/package.json", "Manifest")]
    [InlineData("a.zip!/lib/x.jar!/META-INF/maven/g/a/pom.properties", "Manifest")]
    public void Each_cataloged_file_is_recognised_by_its_path(string path, string format)
    {
        Assert.Equal(format, DependencyFiles.Classify(path)?.ToString());
    }

    [Theory]
    [InlineData("a.zip!/index.js")]
    [InlineData("a.zip!/package.json")]
    [InlineData("a.zip!/docs/status")]
    [InlineData("a.zip!/etc/os-release.d/x")]
    [InlineData("a.zip!/lib/x.jar!/META-INF/maven/g/a/pom.xml")]
    [InlineData("\u2060artifact.zip")]
    public void Other_files_are_not_read(string path)
    {
        Assert.Null(DependencyFiles.Classify(path));
    }
}
