using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Vulnerabilities.Packages;
using Gatehouse.Analysis.Vulnerabilities.Vex;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Scanning;

namespace Gatehouse.Server.Tests.Apps;

/// <summary>Which vulnerability findings a VEX document answers, without a host (issue 16, item 5).</summary>
public sealed class VexMatchingTests
{
    private const string Lockfile = "app.zip!/package-lock.json";

    /// <summary>
    /// A <c>vuln.*</c> finding as the engine writes it (<c>VulnerabilityFindings.From</c>): advisory ID as evidence, the message
    /// starting with the package as its ecosystem writes it, fingerprint over rule, path, purl and advisory.
    /// </summary>
    internal static ScanFinding Finding(string advisory, string purl, string rule = "vuln.npm", string path = Lockfile, string? cve = null, string? shown = null)
    {
        var p = PackageUrl.Parse(purl);
        shown ??= $"{(p.Namespace is { } ns ? ns + "/" : "")}{p.Name}@{p.Version}";
        return new ScanFinding
        {
            RuleId = rule, Severity = "high", Path = path, AnalyzerId = "vulnerabilities", Evidence = advisory,
            Message = $"{shown} is affected by {advisory}{(cve is null ? "" : $" ({cve}, CVSS 9.1)")}: Prototype Pollution in lodash; fixed in 4.17.21",
            Fingerprint = Fingerprints.Of(rule, path, purl, advisory),
        };
    }

    private static VexStatement NotAffected(string vulnerability, params string[] products) =>
        new(vulnerability, [], products, VexStatus.NotAffected, VexJustification.VulnerableCodeNotInExecutePath, "We never call merge().", null);

    private static IReadOnlyCollection<string> NoAliases(string id) => [];

    [Fact]
    public void A_not_affected_statement_naming_the_advisory_and_the_package_answers_the_finding()
    {
        var lodash = Finding("GHSA-jf85-cpcp-j695", "pkg:npm/lodash@4.17.20");
        var other = Finding("GHSA-p6mc-m468-83gw", "pkg:npm/lodash@4.17.20");
        var r = VexMatching.Match([NotAffected("GHSA-jf85-cpcp-j695", "pkg:npm/lodash@4.17.20")], [lodash, other], NoAliases);
        Assert.Equal(lodash, Assert.Single(r.Answers).Finding);
        Assert.Empty(r.NotApplied);
    }

    [Fact]
    public void A_subcomponent_of_the_vendors_product_names_the_package()
    {
        var f = Finding("GHSA-jf85-cpcp-j695", "pkg:npm/lodash@4.17.20");
        var statement = NotAffected("GHSA-jf85-cpcp-j695", "pkg:generic/acme-sync@1.0.0") with { Subcomponents = ["pkg:npm/lodash@4.17.20"] };
        Assert.Single(VexMatching.Match([statement], [f], NoAliases).Answers);
    }

    [Fact]
    public void A_statement_about_the_cve_answers_the_ghsa_finding_through_its_aliases()
    {
        var f = Finding("GHSA-jf85-cpcp-j695", "pkg:npm/lodash@4.17.20");
        var r = VexMatching.Match([NotAffected("CVE-2019-10744", "pkg:npm/lodash@4.17.20")], [f],
            id => id == "GHSA-jf85-cpcp-j695" ? ["CVE-2019-10744"] : []);
        Assert.Single(r.Answers);
    }

    [Fact]
    public void The_package_must_match_too_but_qualifiers_the_vex_leaves_out_do_not_matter()
    {
        var deb = Finding("DSA-5000-1", "pkg:deb/debian/openssl@3.0.11-1?arch=amd64&distro=debian-12.5", rule: "vuln.debian", path: "img.tar!/var/lib/dpkg/status",
            shown: "openssl@3.0.11-1");
        var r = VexMatching.Match([
            NotAffected("DSA-5000-1", "pkg:deb/debian/openssl@3.0.11-1"),
            NotAffected("DSA-5000-1", "pkg:deb/debian/openssl@3.0.10-1"),
        ], [deb], NoAliases);
        Assert.Single(r.Answers);
        // The second names another version: nothing of it is stored, and the vendor is told why.
        Assert.Equal(VexMatching.NoSuchPackage, Assert.Single(r.NotApplied).Reason);
    }

    [Fact]
    public void A_statement_without_a_version_covers_the_package_in_any_version_but_not_another_ecosystems_namesake()
    {
        var f = Finding("GHSA-jf85-cpcp-j695", "pkg:npm/lodash@4.17.20");
        Assert.Single(VexMatching.Match([NotAffected("GHSA-jf85-cpcp-j695", "pkg:npm/lodash")], [f], NoAliases).Answers);
        Assert.Empty(VexMatching.Match([NotAffected("GHSA-jf85-cpcp-j695", "pkg:pypi/lodash@4.17.20")], [f], NoAliases).Answers);
    }

    [Fact]
    public void Namespaced_packages_are_named_as_their_ecosystem_writes_them()
    {
        var babel = Finding("GHSA-67hx-6x53-jw92", "pkg:npm/%40babel/traverse@7.22.0");
        var slf4j = Finding("GHSA-xxxx-maven-0001", "pkg:maven/org.slf4j/slf4j-ext@1.7.25", rule: "vuln.maven", shown: "org.slf4j:slf4j-ext@1.7.25");
        Assert.Equal(2, VexMatching.Match([
            NotAffected("GHSA-67hx-6x53-jw92", "pkg:npm/%40babel/traverse"),
            NotAffected("GHSA-xxxx-maven-0001", "pkg:maven/org.slf4j/slf4j-ext@1.7.25?type=jar"),
        ], [babel, slf4j], NoAliases).Answers.Count);
    }

    [Fact]
    public void The_fingerprint_alone_identifies_the_package_when_the_message_names_none()
    {
        var f = Finding("GHSA-jf85-cpcp-j695", "pkg:npm/lodash@4.17.20");
        f.Message = "a finding whose message names no package";
        Assert.Single(VexMatching.Match([NotAffected("GHSA-jf85-cpcp-j695", "pkg:npm/lodash@4.17.20")], [f], NoAliases).Answers);
        Assert.Empty(VexMatching.Match([NotAffected("GHSA-jf85-cpcp-j695", "pkg:npm/lodash")], [f], NoAliases).Answers);
    }

    [Fact]
    public void Other_statuses_unknown_vulnerabilities_and_repeats_are_reported_back_not_matched()
    {
        var f = Finding("GHSA-jf85-cpcp-j695", "pkg:npm/lodash@4.17.20");
        var affected = new VexStatement("GHSA-jf85-cpcp-j695", [], ["pkg:npm/lodash@4.17.20"], VexStatus.Affected, null, null, "upgrade");
        var r = VexMatching.Match([
            affected,
            NotAffected("CVE-2099-0001", "pkg:npm/lodash@4.17.20"),
            NotAffected("GHSA-jf85-cpcp-j695", "pkg:npm/lodash@4.17.20"),
            NotAffected("GHSA-jf85-cpcp-j695", "pkg:npm/lodash@4.17.20"),
        ], [f], NoAliases);
        Assert.Single(r.Answers);
        Assert.Equal([VexMatching.OnlyNotAffected, VexMatching.NoSuchAdvisory, VexMatching.AlreadyAnswered], r.NotApplied.Select(n => n.Reason));
    }

    [Fact]
    public void The_package_is_read_from_the_message_as_the_engine_writes_it()
    {
        Assert.Equal(("@babel/core", "7.0.0"), VexMatching.PackageIn("@babel/core@7.0.0 is affected by GHSA-x (CVE-1): summary; fixed in 7.0.1"));
        Assert.Equal(("libssl3", "3.0.11-1"), VexMatching.PackageIn("libssl3@3.0.11-1 (source openssl 3.0.11-1) may be affected by DSA-1; no fixed version is known"));
        Assert.Null(VexMatching.PackageIn("no package here"));
    }
}
