using Gatehouse.Analysis.Vulnerabilities.Catalogers;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Catalogers;

public sealed class ApkInstalledCatalogerTests
{
    [Fact]
    public void Packages_are_found_with_their_origin_and_architecture()
    {
        // The layout of an Alpine 3.20 image's lib/apk/db/installed (fields abridged; the checksum and file lines are kept).
        const string installed = """
            C:Q1zl9f4...=
            P:musl
            V:1.2.5-r0
            A:x86_64
            S:411090
            I:647168
            T:the musl c library (libc) implementation
            U:https://musl.libc.org/
            L:MIT
            o:musl
            m:Natanael Copa <ncopa@alpinelinux.org>
            F:lib
            R:ld-musl-x86_64.so.1
            a:0:0:755
            Z:Q1...=

            C:Q1abc=
            P:libcrypto3
            V:3.3.1-r0
            A:x86_64
            o:openssl
            F:usr/lib
            R:libcrypto.so.3

            P:broken-no-version
            A:x86_64
            """;
        var os = OsRelease.Parse("NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.1\n");

        var packages = ApkInstalledCataloger.Parse(installed, "image.tar!/lib/apk/db/installed", os);

        Assert.Equal(["musl", "libcrypto3"], packages.Select(p => p.Name));
        Assert.Null(packages[0].SourceName);
        Assert.Equal("openssl", packages[1].SourceName);
        Assert.Equal("pkg:apk/alpine/libcrypto3@3.3.1-r0?arch=x86_64&distro=3.20.1", packages[1].Purl.ToString());
        Assert.All(packages, p => Assert.Equal("Alpine", p.Ecosystem));
    }

    [Fact]
    public void Hostile_text_is_bounded_and_never_throws()
    {
        Assert.Empty(ApkInstalledCataloger.Parse("P\nV\n:::\n\0\n", "installed", null));
        var many = string.Concat(Enumerable.Range(0, 1000).Select(i => $"P:p{i}\nV:1.{i}-r0\n\n"));
        var packages = ApkInstalledCataloger.Parse(many, "installed", null);
        Assert.Equal(1000, packages.Count);
        Assert.Equal("pkg:apk/alpine/p7@1.7-r0", packages[7].Purl.ToString());
    }
}
