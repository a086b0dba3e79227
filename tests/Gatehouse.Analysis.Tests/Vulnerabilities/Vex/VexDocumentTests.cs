using System.Text;
using Gatehouse.Analysis.Vulnerabilities.Packages;
using Gatehouse.Analysis.Vulnerabilities.Vex;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Vex;

public sealed class VexDocumentTests
{
    private static VexParseResult Parse(string json, long maxBytes = VexDocument.DefaultMaxBytes, int maxStatements = VexDocument.DefaultMaxStatements) =>
        VexDocument.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), maxBytes, maxStatements);

    // Shaped like the OpenVEX specification's examples and `vexctl create` output.
    private const string OpenVex = """
        {
          "@context": "https://openvex.dev/ns/v0.2.0",
          "@id": "https://acme.example/vex/portal-3.1.0-2026-12-01",
          "author": "ACME Security <security@acme.example>",
          "role": "Document Creator",
          "timestamp": "2026-12-01T09:30:00.123456789-06:00",
          "version": 1,
          "statements": [
            {
              "vulnerability": { "@id": "https://nvd.nist.gov/vuln/detail/CVE-2021-23337", "name": "CVE-2021-23337", "aliases": [ "GHSA-35jh-r3h4-6jhm" ] },
              "timestamp": "2026-12-01T09:30:00Z",
              "products": [
                { "@id": "pkg:generic/acme/portal@3.1.0",
                  "subcomponents": [ { "@id": "pkg:npm/lodash@4.17.20" } ] }
              ],
              "status": "not_affected",
              "justification": "vulnerable_code_not_in_execute_path",
              "impact_statement": "The portal never calls _.template with user input."
            },
            {
              "vulnerability": { "name": "GHSA-jfh8-c2jp-5v3q" },
              "products": [ { "@id": "urn:acme:portal", "identifiers": { "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar" } } ],
              "status": "affected",
              "action_statement": "Upgrade to 3.1.1, which ships log4j-core 2.17.1."
            },
            { "vulnerability": { "name": "CVE-2023-5363" }, "products": [ { "@id": "pkg:deb/debian/openssl" } ], "status": "under_investigation" },
            { "vulnerability": { "name": "CVE-2022-0001" }, "status": "fixed" }
          ]
        }
        """;

    // Shaped like CycloneDX's own VEX examples (bom-examples/VEX): BOM-links to an SBOM's components.
    private const string CycloneDxVex = """
        {
          "bomFormat": "CycloneDX",
          "specVersion": "1.6",
          "serialNumber": "urn:uuid:81c4b6c9-5a8f-4b8e-9d43-2c4a7f1e0b55",
          "version": 1,
          "metadata": { "timestamp": "2026-12-02T10:00:00Z", "authors": [ { "name": "ACME PSIRT" } ] },
          "components": [ { "type": "library", "bom-ref": "log4j", "name": "log4j-core", "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1" } ],
          "vulnerabilities": [
            {
              "id": "CVE-2021-44228",
              "source": { "name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2021-44228" },
              "references": [ { "id": "GHSA-jfh8-c2jp-5v3q", "source": { "name": "GitHub" } } ],
              "analysis": { "state": "not_affected", "justification": "code_not_reachable", "response": [ "will_not_fix", "update" ],
                            "detail": "JNDI lookups are disabled by configuration." },
              "affects": [ { "ref": "log4j" }, { "ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:npm/lodash@4.17.20" } ]
            },
            { "id": "CVE-2020-1234", "ratings": [ { "severity": "low" } ] },
            { "id": "CVE-2022-42889", "analysis": { "state": "resolved" }, "affects": [ { "ref": "opaque-ref" } ] },
            { "id": "CVE-2024-0001", "analysis": { "state": "false_positive" } },
            { "id": "CVE-2024-0002", "analysis": { "state": "in_triage" } },
            { "id": "CVE-2024-0003", "analysis": { "state": "exploitable", "response": [ "workaround_available" ] } }
          ]
        }
        """;

    [Fact]
    public void Reads_an_openvex_document()
    {
        var result = Parse(OpenVex);
        Assert.True(result.Success, result.Error?.Message);
        var doc = result.Document;
        Assert.Equal(VexFormat.OpenVex, doc.Format);
        Assert.Equal("https://acme.example/vex/portal-3.1.0-2026-12-01", doc.Id);
        Assert.Equal("ACME Security <security@acme.example>", doc.Author);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 15, 30, 0, TimeSpan.Zero), doc.Timestamp!.Value, TimeSpan.FromSeconds(1));
        Assert.Equal(4, doc.Statements.Count);
        var lodash = doc.Statements[0];
        Assert.Equal("CVE-2021-23337", lodash.VulnerabilityId);
        Assert.Equal(["GHSA-35jh-r3h4-6jhm"], lodash.Aliases);
        Assert.Equal(VexStatus.NotAffected, lodash.Status);
        Assert.Equal(VexJustification.VulnerableCodeNotInExecutePath, lodash.Justification);
        Assert.Equal("vulnerable_code_not_in_execute_path", VexJustifications.ToText(lodash.Justification!.Value));
        Assert.Equal("The portal never calls _.template with user input.", lodash.ImpactStatement);
        Assert.Equal(["pkg:generic/acme/portal@3.1.0"], lodash.Products);
        Assert.Equal(["pkg:npm/lodash@4.17.20"], lodash.Subcomponents);
        Assert.True(lodash.Names("ghsa-35jh-r3h4-6jhm"));
        Assert.True(lodash.Covers(PackageUrl.Parse("pkg:npm/lodash@4.17.20")));
        Assert.False(lodash.Covers(PackageUrl.Parse("pkg:npm/lodash@4.17.21")));
        var log4j = doc.Statements[1];
        Assert.Equal(VexStatus.Affected, log4j.Status);
        Assert.Null(log4j.Justification);
        Assert.Equal("Upgrade to 3.1.1, which ships log4j-core 2.17.1.", log4j.ActionStatement);
        Assert.True(log4j.Covers(PackageUrl.Parse("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")));
        Assert.True(doc.Statements[2].Covers(PackageUrl.Parse("pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64"))); // no version: every version
        Assert.Equal(VexStatus.UnderInvestigation, doc.Statements[2].Status);
        Assert.Equal(VexStatus.Fixed, doc.Statements[3].Status);
        Assert.Empty(doc.Statements[3].Products);
    }

    [Fact]
    public void Reads_a_cyclonedx_vex_and_resolves_bom_refs_and_bom_links_to_purls()
    {
        var result = Parse(CycloneDxVex);
        Assert.True(result.Success, result.Error?.Message);
        var doc = result.Document;
        Assert.Equal(VexFormat.CycloneDx, doc.Format);
        Assert.Equal("urn:uuid:81c4b6c9-5a8f-4b8e-9d43-2c4a7f1e0b55", doc.Id);
        Assert.Equal("ACME PSIRT", doc.Author);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero), doc.Timestamp);
        Assert.Equal(["CVE-2021-44228", "CVE-2022-42889", "CVE-2024-0001", "CVE-2024-0002", "CVE-2024-0003"], doc.Statements.Select(s => s.VulnerabilityId));
        var log4shell = doc.Statements[0];
        Assert.Equal(["GHSA-jfh8-c2jp-5v3q"], log4shell.Aliases);
        Assert.Equal(VexStatus.NotAffected, log4shell.Status);
        Assert.Equal(VexJustification.CodeNotReachable, log4shell.Justification);
        Assert.Equal("JNDI lookups are disabled by configuration.", log4shell.ImpactStatement);
        Assert.Equal("will_not_fix, update", log4shell.ActionStatement);
        Assert.Equal(["pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "pkg:npm/lodash@4.17.20"], log4shell.Products);
        Assert.Equal(["opaque-ref"], doc.Statements[1].Products);
        Assert.Equal([VexStatus.Fixed, VexStatus.NotAffected, VexStatus.UnderInvestigation, VexStatus.Affected], doc.Statements.Skip(1).Select(s => s.Status));
    }

    [Theory]
    [InlineData("""{ "@context": "https://openvex.dev/ns/v0.2.0", "statements": [ { "vulnerability": { "name": "CVE-1" }, "status": "not_affected" } ] }""", "justification")]
    [InlineData("""{ "@context": "https://openvex.dev/ns/v0.2.0", "statements": [ { "vulnerability": { "name": "CVE-1" }, "status": "ok" } ] }""", "status")]
    [InlineData("""{ "@context": "https://openvex.dev/ns/v0.2.0", "statements": [ { "vulnerability": { "name": "CVE-1" }, "status": "not_affected", "justification": "code_not_reachable" } ] }""", "justification")]
    [InlineData("""{ "@context": "https://openvex.dev/ns/v0.2.0", "statements": [ { "status": "fixed" } ] }""", "vulnerability")]
    [InlineData("""{ "@context": "https://openvex.dev/ns/v0.2.0", "statements": [ { "vulnerability": { "name": 5 }, "status": "fixed" } ] }""", "name")]
    [InlineData("""{ "@context": "https://openvex.dev/ns/v0.2.0", "statements": [ { "vulnerability": { "name": "CVE-1" }, "products": [ {} ], "status": "fixed" } ] }""", "@id")]
    [InlineData("""{ "@context": "https://openvex.dev/ns/v0.2.0", "timestamp": "yesterday", "statements": [] }""", "timestamp")]
    [InlineData("""{ "@context": "https://openvex.dev/ns/v0.2.0" }""", "statements")]
    [InlineData("""{ "@context": "https://example.com/other" , "statements": [] }""", "@context")]
    [InlineData("""{ "bomFormat": "CycloneDX", "specVersion": "1.6", "vulnerabilities": [ { "id": "CVE-1", "analysis": { "state": "maybe" } } ] }""", "state")]
    [InlineData("""{ "bomFormat": "CycloneDX", "specVersion": "1.6", "vulnerabilities": [ { "id": "CVE-1", "analysis": { "state": "not_affected", "justification": "vulnerable_code_not_present" } } ] }""", "justification")]
    [InlineData("""{ "bomFormat": "CycloneDX", "specVersion": "1.6", "vulnerabilities": [ { "id": "CVE-1" } ] }""", "analysis")]
    [InlineData("""{ "bomFormat": "CycloneDX", "specVersion": "1.6" }""", "vulnerabilities")]
    [InlineData("""{ "bomFormat": "CycloneDX", "specVersion": "1.6", "vulnerabilities": [ { "id": "CVE-1", "analysis": { "state": "resolved" }, "affects": [ { "ref": "a", "ref": "b" } ] } ] }""", "")]
    [InlineData("""{ "hello": "world" }""", "OpenVEX")]
    [InlineData("""[ ]""", "object")]
    [InlineData("""{ "@context": """, "JSON")]
    public void Malformed_documents_are_invalid_and_say_why(string document, string named)
    {
        var result = Parse(document);
        Assert.False(result.Success);
        Assert.Equal("vex.invalid", result.Error.Code);
        Assert.Contains(named, result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "@context": "https://openvex.dev/ns/v0.0.1", "statements": [ { "vulnerability": "CVE-1", "products": [ "pkg:npm/a@1" ], "status": "fixed" } ] }""")]
    [InlineData("""{ "document": { "category": "csaf_vex", "csaf_version": "2.0" } }""")]
    [InlineData("""<bom xmlns="http://cyclonedx.org/schema/bom/1.6"/>""")]
    [InlineData("""{ "bomFormat": "CycloneDX", "specVersion": "1.3", "vulnerabilities": [] }""")]
    public void Other_vex_formats_are_unsupported(string document)
    {
        Assert.Equal("vex.unsupported", Parse(document).Error!.Code);
    }

    [Fact]
    public void Oversized_documents_and_too_many_statements_are_too_large()
    {
        Assert.Equal("vex.too-large", Parse(OpenVex, maxBytes: 256).Error!.Code);
        Assert.Equal("vex.too-large", Parse(OpenVex, maxStatements: 3).Error!.Code);
        Assert.Equal("vex.too-large", Parse(CycloneDxVex, maxStatements: 2).Error!.Code);
    }

    [Fact]
    public void Deep_nesting_is_invalid_not_a_stack_overflow()
    {
        var deep = """{ "@context": "https://openvex.dev/ns/v0.2.0", "statements": [], "x": """ + new string('[', 5000) + new string(']', 5000) + " }";
        Assert.Equal("vex.invalid", Parse(deep).Error!.Code);
    }

    [Fact]
    public void A_huge_free_text_is_refused_rather_than_shown_to_the_reviewer()
    {
        var doc = $$"""{ "@context": "https://openvex.dev/ns/v0.2.0", "statements": [ { "vulnerability": { "name": "CVE-1" }, "status": "not_affected", "impact_statement": "{{new string('x', 100_000)}}" } ] }""";
        Assert.Equal("vex.invalid", Parse(doc).Error!.Code);
    }
}
