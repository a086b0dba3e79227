using Gatehouse.Analysis.Vulnerabilities.Catalogers;
using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Catalogers;

/// <summary>Distribution identification and how the package inventory resolves OS packages with it.</summary>
public sealed class DistroTests
{
    private const string Ubuntu = """
        PRETTY_NAME="Ubuntu 22.04.4 LTS"
        NAME="Ubuntu"
        VERSION_ID="22.04"
        VERSION="22.04.4 LTS (Jammy Jellyfish)"
        ID=ubuntu
        ID_LIKE=debian
        """;

    [Theory]
    [InlineData("ID=debian\nVERSION_ID=\"12\"\n", "12.5\n", null, "deb", "debian", "debian-12.5", "Debian:12")]
    [InlineData("ID=debian\nVERSION_ID=\"12\"\n", null, null, "deb", "debian", "debian-12", "Debian:12")]
    [InlineData(null, "11.9\n", null, "deb", "debian", "debian-11.9", "Debian:11")]
    [InlineData(Ubuntu, "bookworm/sid\n", null, "deb", "ubuntu", "ubuntu-22.04", "Ubuntu:22.04:LTS")]
    [InlineData("ID=ubuntu\nVERSION_ID=\"24.10\"\n", null, null, "deb", "ubuntu", "ubuntu-24.10", "Ubuntu:24.10")]
    [InlineData("ID=ubuntu\nVERSION_ID=\"24.04\"\n", null, null, "deb", "ubuntu", "ubuntu-24.04", "Ubuntu:24.04:LTS")]
    [InlineData("ID=alpine\nVERSION_ID=3.20.1\n", null, "3.20.1\n", "apk", "alpine", "3.20.1", "Alpine:v3.20")]
    [InlineData(null, null, "3.19.0\n", "apk", "alpine", "3.19.0", "Alpine:v3.19")]
    [InlineData("ID=\"rocky\"\nVERSION_ID=\"9.3\"\n", null, null, "rpm", "rocky", "rocky-9.3", "Rocky Linux:9")]
    [InlineData("ID=\"almalinux\"\nVERSION_ID=\"8.9\"\n", null, null, "rpm", "almalinux", "almalinux-8.9", "AlmaLinux:8")]
    [InlineData("ID=\"rhel\"\nVERSION_ID=\"9.2\"\n", null, null, "rpm", "redhat", "redhat-9.2", "Red Hat")]
    public void The_distribution_gives_namespace_distro_qualifier_and_osv_ecosystem(
        string? osRelease, string? debianVersion, string? alpineRelease, string type, string ns, string distro, string ecosystem)
    {
        var d = Distro.Identify(osRelease, null, debianVersion, alpineRelease)!;

        Assert.Equal(ns, d.Namespace);
        Assert.Equal(distro, d.PurlDistro(type));
        Assert.Equal(ecosystem, d.Ecosystem("fallback"));
    }

    [Fact]
    public void Usr_lib_os_release_stands_in_for_a_missing_etc_os_release_and_nothing_identifies_nothing()
    {
        Assert.Equal("ubuntu", Distro.Identify(null, Ubuntu, null, null)!.Id);
        Assert.Null(Distro.Identify(null, null, "trixie/sid", null));
        Assert.Null(Distro.Identify("NAME=x\n", null, null, null));
    }

    [Fact]
    public void The_inventory_resolves_os_packages_with_the_release_files_of_their_root_whatever_the_order()
    {
        var inventory = new PackageInventory();
        foreach (var p in DpkgStatusCataloger.Parse("Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.1-6ubuntu1.1\n\n", "img.tar!/a!/var/lib/dpkg/status", os: null))
            inventory.Add(p);
        foreach (var p in DpkgStatusCataloger.Parse("Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2+b7\n\n", "img.tar!/b!/var/lib/dpkg/status", os: null))
            inventory.Add(p);
        Assert.True(inventory.AddReleaseFile("img.tar!/a!/etc/os-release", Ubuntu));
        Assert.True(inventory.AddReleaseFile("img.tar!/b!/usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n"));
        Assert.False(inventory.AddReleaseFile("img.tar!/b!/etc/os-release.bak", "ID=fedora"));

        var packages = inventory.Snapshot();

        Assert.Equal(["pkg:deb/debian/bash@5.2.15-2%2Bb7?arch=amd64&distro=debian-12", "pkg:deb/ubuntu/bash@5.1-6ubuntu1.1?arch=amd64&distro=ubuntu-22.04"],
            packages.Select(p => p.Purl.ToString()));
        Assert.Equal(["Debian:12", "Ubuntu:22.04:LTS"], packages.Select(p => p.Ecosystem));
    }

    [Fact]
    public void Os_packages_without_a_release_file_keep_the_bare_ecosystem()
    {
        var inventory = new PackageInventory();
        foreach (var p in ApkInstalledCataloger.Parse("P:musl\nV:1.2.5-r0\nA:x86_64\n\n", "x.tar!/lib/apk/db/installed", os: null)) inventory.Add(p);
        inventory.AddReleaseFile("other.tar!/etc/alpine-release", "3.20.1");

        var musl = Assert.Single(inventory.Snapshot());
        Assert.Equal("pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64", musl.Purl.ToString());
        Assert.Equal("Alpine", musl.Ecosystem);
    }

    [Fact]
    public void A_go_sum_entry_counts_only_where_the_go_mod_beside_it_does_not_name_the_module()
    {
        var inventory = new PackageInventory();
        foreach (var p in LockfileCatalogers.Parse("go-mod", "module x\nrequire github.com/gorilla/mux v1.8.0\n", "src.zip!/go.mod", out _)) inventory.Add(p);
        const string sum = """
            github.com/gorilla/mux v1.7.0 h1:a=
            github.com/gorilla/mux v1.8.0 h1:b=
            github.com/gorilla/mux v1.8.0/go.mod h1:c=
            golang.org/x/net v0.17.0 h1:d=
            golang.org/x/net v0.23.0 h1:e=
            golang.org/x/text v0.14.0/go.mod h1:f=
            """;
        foreach (var p in LockfileCatalogers.Parse("go-sum", sum, "src.zip!/go.sum", out _)) inventory.Add(p);

        Assert.Equal(
            [("pkg:golang/github.com/gorilla/mux@v1.8.0", "src.zip!/go.mod"), ("pkg:golang/golang.org/x/net@v0.23.0", "src.zip!/go.sum")],
            inventory.Snapshot().Select(p => (p.Purl.ToString(), p.DeclaredIn)));
    }
}
