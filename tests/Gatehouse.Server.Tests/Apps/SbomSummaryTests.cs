using Gatehouse.Analysis.Vulnerabilities.Packages;
using Gatehouse.Server.Pages.Console.Review;
using Gatehouse.Server.Scanning;

namespace Gatehouse.Server.Tests.Apps;

/// <summary>The reviewer's SBOM section: packages per ecosystem, and each vulnerability finding on the package it is about (no host).</summary>
public sealed class SbomSummaryTests
{
    private static CatalogedPackage Package(string ecosystem, string type, string name, string version, string file) =>
        new(ecosystem, name, version, PackageUrl.Create(type, null, name, version), file);

    // As VulnerabilityFindings.Message writes them.
    private static ScanFinding Vuln(string path, string package, string advisory, string severity) => new()
    {
        RuleId = "vuln.npm", Severity = severity, Path = path, Message = $"{package} is affected by {advisory}: ReDoS; fixed in 4.17.21", Fingerprint = advisory,
        AnalyzerId = "vulnerabilities", Evidence = advisory,
    };

    [Fact]
    public void Vulnerable_packages_come_first_with_their_advisories_and_a_finding_names_only_its_own_package_and_file()
    {
        var packages = new[]
        {
            Package("npm", "npm", "chalk", "5.3.0", "a.zip!/package-lock.json"),
            Package("npm", "npm", "lodash", "4.17.20", "a.zip!/package-lock.json"),
            // The same lodash declared elsewhere: the finding is about the other file.
            Package("npm", "npm", "lodash", "4.17.20", "a.zip!/vendor/package-lock.json"),
            Package("PyPI", "pypi", "requests", "2.31.0", "a.zip!/requirements.txt"),
        };
        var findings = new[]
        {
            Vuln("a.zip!/package-lock.json", "lodash@4.17.20", "GHSA-29mw-wpgm-hmr9", "medium"),
            Vuln("a.zip!/package-lock.json", "lodash@4.17.20", "GHSA-35jh-r3h4-6jhm", "high"),
            new ScanFinding { RuleId = "secret.aws-access-key", Severity = "critical", Path = "a.zip!/package-lock.json", Message = "chalk@5.3.0 is affected by nothing: a secret finding",
                Fingerprint = "x", AnalyzerId = "secrets" },
        };

        var summary = SubmissionModel.Summarize(packages, findings);

        Assert.Equal((4, 1), (summary.Components, summary.Vulnerable));
        Assert.Equal([("npm", 3), ("PyPI", 1)], summary.ByKind);
        var first = summary.Rows[0];
        Assert.Equal(("pkg:npm/lodash@4.17.20", "a.zip!/package-lock.json", "high"), (first.Purl, first.DeclaredIn, first.Severity));
        Assert.Equal(["GHSA-29mw-wpgm-hmr9", "GHSA-35jh-r3h4-6jhm"], first.Advisories);
        Assert.All(summary.Rows.Skip(1), r => Assert.Empty(r.Advisories));
        Assert.Equal(["pkg:npm/chalk@5.3.0", "pkg:npm/lodash@4.17.20", "pkg:pypi/requests@2.31.0"], summary.Rows.Skip(1).Select(r => r.Purl));
    }
}
