using System.Text;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Vulnerabilities.Matching;
using Gatehouse.Analysis.Vulnerabilities.Packages;
using Gatehouse.Analysis.Vulnerabilities.Sbom;

namespace Gatehouse.Analysis.Tests.Images;

/// <summary>The layer that introduced a package, in the vulnerability finding's message and in the SBOM (written and read back).</summary>
public sealed class LayerAttributionTests
{
    private const string Layer = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    private static readonly CatalogedPackage Curl = new("Debian:12", "curl", "7.88.1-10", PackageUrl.Parse("pkg:deb/debian/curl@7.88.1-10?arch=amd64&distro=debian-12"),
        "app.tar!/var/lib/dpkg/status") { Layer = Layer };

    [Fact]
    public void A_vulnerability_finding_names_the_layer_but_its_fingerprint_does_not_depend_on_it()
    {
        var match = new AdvisoryMatch(Curl, "DSA-1", ["CVE-2026-1"], "bad", Severity.High, null, ["7.88.1-11"], DateTimeOffset.UnixEpoch);

        var finding = Assert.Single(VulnerabilityFindings.From([match]));
        var without = Assert.Single(VulnerabilityFindings.From([match with { Package = Curl with { Layer = null } }]));

        Assert.EndsWith("; introduced by layer " + Layer, finding.Message, StringComparison.Ordinal);
        Assert.Equal(without.Fingerprint, finding.Fingerprint);
    }

    [Fact]
    public void The_sbom_names_the_layer_of_each_component_and_reads_it_back()
    {
        var bytes = CycloneDxWriter.ToBytes(new SbomSubject("app", "1.0", new string('a', 64), SbomSubjectType.Container), [Curl], null, DateTimeOffset.UnixEpoch);

        Assert.Contains($"\"name\": \"gatehouse:layer\",\n          \"value\": \"{Layer}\"", Encoding.UTF8.GetString(bytes).Replace("\r\n", "\n", StringComparison.Ordinal));
        var read = CycloneDxReader.Read(bytes);
        Assert.Equal(Layer, Assert.Single(read.Packages!).Layer);
    }
}
