using Gatehouse.Analysis.Vulnerabilities.Packages;
using Gatehouse.Analysis.Vulnerabilities.Sbom;
using static Gatehouse.Analysis.Tests.Vulnerabilities.Sbom.SbomSamples;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Sbom;

public sealed class SbomComparisonTests
{
    private static CatalogedPackage Declared(string purl, string? version = null)
    {
        var p = PackageUrl.Parse(purl);
        return new CatalogedPackage(PurlEcosystems.Ecosystem(p) ?? p.Type, PurlEcosystems.Name(p), version ?? p.Version ?? "", p, "vendor.cdx.json");
    }

    [Fact]
    public void Packages_the_vendor_left_out_are_reported_once_each()
    {
        var found = Mixed();
        var declared = found.Where(p => p.Ecosystem is not ("Maven" or "npm")).Select(p => Declared(p.Purl.ToString())).ToList();
        var result = SbomComparison.Compare(found, declared);
        var expected = found.Where(p => p.Ecosystem is "Maven" or "npm").Select(p => p.Purl.ToString()).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(expected, result.MissingFromDeclared.Select(m => m.Package.Purl.ToString()));
        Assert.Equal(4, result.MissingFromDeclared.Count); // lodash, declared in two files, once
        Assert.Equal("app/package-lock.json", result.MissingFromDeclared.Single(m => m.Package.Name == "lodash").Package.DeclaredIn); // the first file
        Assert.All(result.MissingFromDeclared, m => Assert.False(m.VersionMismatch));
        Assert.Empty(result.NotFound);
        Assert.Equal(declared.Count, result.Matched);
    }

    [Fact]
    public void Another_version_counts_as_missing_and_names_the_declared_version()
    {
        var found = new[] { Npm("lodash", "4.17.20") };
        var result = SbomComparison.Compare(found, [Declared("pkg:npm/lodash@4.17.21"), Declared("pkg:npm/lodash@4.17.19")]);
        var missing = Assert.Single(result.MissingFromDeclared);
        Assert.True(missing.VersionMismatch);
        Assert.Equal(["4.17.19", "4.17.21"], missing.OtherVersions);
        Assert.Equal(2, result.NotFound.Count);
        Assert.All(result.NotFound, n => Assert.Equal(["4.17.20"], n.OtherVersions));
        Assert.Equal(0, result.Matched);
    }

    [Fact]
    public void Qualifiers_subpaths_and_a_version_written_beside_the_purl_do_not_matter()
    {
        var found = Mixed().Where(p => p.Ecosystem is "Debian:12" or "Alpine:v3.19" or "Go").ToList();
        var declared = new[]
        {
            Declared("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=arm64"),
            Declared("pkg:apk/alpine/musl@1.2.4-r2?distro=3.19.1#usr/lib"),
            Declared("pkg:golang/golang.org/x/text", "v0.3.7"),
        };
        var result = SbomComparison.Compare(found, declared);
        Assert.Empty(result.MissingFromDeclared);
        Assert.Empty(result.NotFound);
        Assert.Equal(3, result.Matched);
    }

    [Fact]
    public void Packages_only_the_vendor_declares_are_listed_for_information()
    {
        var result = SbomComparison.Compare([Npm("lodash", "4.17.20")], [Declared("pkg:npm/lodash@4.17.20"), Declared("pkg:cargo/serde@1.0.190")]);
        Assert.Empty(result.MissingFromDeclared);
        var extra = Assert.Single(result.NotFound);
        Assert.Equal("pkg:cargo/serde@1.0.190", extra.Package.Purl.ToString());
        Assert.False(extra.VersionMismatch);
    }
}
