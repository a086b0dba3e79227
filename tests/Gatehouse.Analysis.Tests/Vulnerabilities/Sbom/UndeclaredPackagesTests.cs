using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Vulnerabilities.Packages;
using Gatehouse.Analysis.Vulnerabilities.Sbom;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Sbom;

public sealed class UndeclaredPackagesTests
{
    private static CatalogedPackage Npm(string name, string version, string file = "app.zip!/package-lock.json") =>
        new("npm", name, version, PackageUrl.Create("npm", null, name, version), file);

    [Fact]
    public void Each_package_the_vendor_left_out_is_a_low_finding_at_its_declaring_file_and_other_versions_are_named()
    {
        var found = new[] { Npm("lodash", "4.17.20"), Npm("left-pad", "1.3.0"), Npm("chalk", "5.3.0") };
        var declared = new[] { Npm("lodash", "4.17.20", "sbom"), Npm("chalk", "5.2.0", "sbom") };
        var findings = UndeclaredPackages.From(SbomComparison.Compare(found, declared), Policy.Default);

        Assert.Equal(["pkg:npm/chalk@5.3.0", "pkg:npm/left-pad@1.3.0"], findings.Select(f => f.Evidence).Order(StringComparer.Ordinal));
        Assert.All(findings, f =>
        {
            Assert.Equal(("sbom.undeclared-package", Severity.Low, "app.zip!/package-lock.json", "GH-DEP-2", "sbom-compare"),
                (f.RuleId, f.Severity, f.Path, f.RequirementId, f.AnalyzerId));
            Assert.Matches("^[0-9a-f]{32}$", f.Fingerprint);
        });
        Assert.Contains("lists chalk only as 5.2.0", findings.Single(f => f.Evidence == "pkg:npm/chalk@5.3.0").Message, StringComparison.Ordinal);
        Assert.Contains("does not list it", findings.Single(f => f.Evidence == "pkg:npm/left-pad@1.3.0").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_policy_may_raise_the_severity_and_the_fingerprint_follows_the_package_not_the_run()
    {
        var found = new[] { Npm("left-pad", "1.3.0") };
        var policy = Policy.Default with { SeverityOverrides = new Dictionary<string, Severity> { [UndeclaredPackages.Rule.Id] = Severity.Medium } };
        var first = Assert.Single(UndeclaredPackages.From(SbomComparison.Compare(found, []), policy));
        var again = Assert.Single(UndeclaredPackages.From(SbomComparison.Compare(found, []), Policy.Default));
        Assert.Equal(Severity.Medium, first.Severity);
        Assert.Equal(first.Fingerprint, again.Fingerprint);
        Assert.Empty(UndeclaredPackages.From(SbomComparison.Compare(found, found), Policy.Default));
    }
}
