using System.Diagnostics;
using Gatehouse.Analysis.Vulnerabilities.Catalogers;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Catalogers;

public sealed class DpkgStatusCatalogerTests
{
    private static readonly OsRelease Bookworm = OsRelease.Parse("ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n")!;

    [Fact]
    public void Installed_packages_are_found_with_their_source_epoch_and_architecture_and_removed_ones_are_not()
    {
        const string status = """
            Package: libssl3
            Status: install ok installed
            Architecture: amd64
            Source: openssl
            Version: 3.0.19-1~deb12u2
            Description: Secure Sockets Layer toolkit - shared libraries
             This package is part of the OpenSSL project's implementation.
             .
             It provides the libssl and libcrypto shared libraries.

            Package: libc6
            Status: install ok installed
            Architecture: amd64
            Source: glibc (2.36-9+deb12u4)
            Version: 2.36-9+deb12u4+b1

            Package: perl-base
            Status: install ok installed
            Architecture: amd64
            Source: perl
            Version: 1:5.36.0-7+deb12u1

            Package: oldtool
            Status: deinstall ok config-files
            Architecture: all
            Version: 0.9-1

            Package: noversion
            Status: install ok installed
            """;

        var packages = DpkgStatusCataloger.Parse(status.Replace("\n", "\r\n", StringComparison.Ordinal), "rootfs.tar!/var/lib/dpkg/status", Bookworm);

        Assert.Equal(["libssl3", "libc6", "perl-base"], packages.Select(p => p.Name));
        var ssl = packages[0];
        Assert.Equal(("Debian", "3.0.19-1~deb12u2", "openssl", (string?)null), (ssl.Ecosystem, ssl.Version, ssl.SourceName, ssl.SourceVersion));
        Assert.Equal("pkg:deb/debian/libssl3@3.0.19-1~deb12u2?arch=amd64&distro=debian-12", ssl.Purl.ToString());
        Assert.Equal("rootfs.tar!/var/lib/dpkg/status", ssl.DeclaredIn);
        Assert.Equal(("glibc", "2.36-9+deb12u4"), (packages[1].SourceName, packages[1].SourceVersion));
        Assert.Equal("1:5.36.0-7+deb12u1", packages[2].Version);
        Assert.Equal("pkg:deb/debian/perl-base@5.36.0-7%2Bdeb12u1?arch=amd64&distro=debian-12&epoch=1", packages[2].Purl.ToString());
    }

    [Fact]
    public void This_machines_dpkg_database_is_read_as_dpkg_query_lists_it()
    {
        const string path = "/var/lib/dpkg/status";
        if (!File.Exists(path) || !File.Exists("/usr/bin/dpkg-query")) return; // not a Debian machine: the generated cases above still hold
        var os = File.Exists("/etc/os-release") ? OsRelease.Parse(File.ReadAllText("/etc/os-release")) : null;

        var packages = DpkgStatusCataloger.Parse(File.ReadAllText(path), path, os);

        var start = new ProcessStartInfo("dpkg-query", ["-W", "-f=${Package} ${Version} ${Architecture} ${Status}\\n"]) { RedirectStandardOutput = true };
        using var query = Process.Start(start)!;
        var expected = query.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')).Where(f => f.Length == 6 && f[5] is "installed" or "half-configured" or "unpacked" or "triggers-awaited" or "triggers-pending")
            .Select(f => $"{f[0]} {f[1]} {f[2]}").Order(StringComparer.Ordinal).ToList();
        query.WaitForExit();
        Assert.True(expected.Count > 50, "dpkg-query listed almost nothing");
        Assert.Equal(expected, packages.Select(p => $"{p.Name} {p.Version} {p.Purl.Qualifiers["arch"]}").Order(StringComparer.Ordinal).ToList());
        Assert.All(packages, p => Assert.Equal("deb", p.Purl.Type));
    }

    [Fact]
    public void Hostile_status_text_is_bounded_and_never_throws()
    {
        var noBlankLines = string.Concat(Enumerable.Repeat("Package: x\nStatus: install ok installed\nVersion: 1\n", 200_000));
        var one = DpkgStatusCataloger.Parse(noBlankLines, "status", null);
        Assert.Single(one); // one stanza whose fields repeat: the last value wins, as dpkg's parser would refuse it anyway

        var garbage = DpkgStatusCataloger.Parse("\0\0\u0001:::\n\n: \n Package: y\nStatus: install\n", "status", null);
        Assert.Empty(garbage);
        Assert.Equal("pkg:deb/debian/x@1", one[0].Purl.ToString());
    }

    [Theory]
    [InlineData("ID=debian\nVERSION_ID=\"12\"\n", "debian", "12", "debian-12")]
    [InlineData("ID=alpine\nVERSION_ID=3.20.1\nPRETTY_NAME=\"Alpine Linux v3.20\"\n", "alpine", "3.20.1", "alpine-3.20.1")]
    [InlineData("# comment\nNAME='Ubuntu'\nID=ubuntu\nVERSION_ID=\"24.04\"\nID_LIKE=debian\n", "ubuntu", "24.04", "ubuntu-24.04")]
    [InlineData("ID=\"rhel\"\nVERSION_ID=\"9.4\"\nID_LIKE=\"fedora\"\n", "rhel", "9.4", "rhel-9.4")]
    [InlineData("ID=arch\n", "arch", null, "arch")]
    public void Os_release_names_the_distribution(string text, string id, string? version, string distro)
    {
        var os = OsRelease.Parse(text)!;
        Assert.Equal((id, version, distro), (os.Id, os.VersionId, os.Distro));
    }

    [Fact]
    public void Os_release_without_an_ID_identifies_nothing_and_quotes_are_unescaped()
    {
        Assert.Null(OsRelease.Parse("NAME=Linux\nVERSION_ID=1\n"));
        Assert.Equal("a \"b\" $c", OsRelease.Parse("ID=x\nPRETTY_NAME=\"a \\\"b\\\" \\$c\"\n")!.PrettyName);
    }
}
