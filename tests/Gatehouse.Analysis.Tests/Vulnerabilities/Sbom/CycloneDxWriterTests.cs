using System.Diagnostics;
using System.Text.Json;
using Gatehouse.Analysis.Tests.Requirements;
using Gatehouse.Analysis.Vulnerabilities.Packages;
using Gatehouse.Analysis.Vulnerabilities.Sbom;
using static Gatehouse.Analysis.Tests.Vulnerabilities.Sbom.SbomSamples;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Sbom;

public sealed class CycloneDxWriterTests
{
    private static JsonElement Write(IReadOnlyList<CatalogedPackage> packages, bool withMatches = true, SbomSubject? subject = null) =>
        JsonDocument.Parse(CycloneDxWriter.ToBytes(subject ?? Subject, packages, withMatches ? Matches(packages) : null, When)).RootElement;

    [Fact]
    public async Task Generated_sboms_validate_against_the_official_cyclonedx_1_6_schema()
    {
        var dir = Directory.CreateTempSubdirectory("gatehouse-sbom-schema-");
        try
        {
            var packages = Mixed();
            var documents = new Dictionary<string, byte[]>
            {
                ["mixed-with-vulnerabilities.json"] = CycloneDxWriter.ToBytes(Subject, packages, Matches(packages), When),
                ["mixed-without-advisories.json"] = CycloneDxWriter.ToBytes(Subject, packages, null, When),
                ["empty-container.json"] = CycloneDxWriter.ToBytes(new SbomSubject("registry image.tar", null, Sha, SbomSubjectType.Container), [], [], When),
                ["bare-file.json"] = CycloneDxWriter.ToBytes(new SbomSubject("", null, Sha.ToUpperInvariant(), SbomSubjectType.File), [packages[0]], null, When),
            };
            var paths = documents.Select(d =>
            {
                var path = Path.Combine(dir.FullName, d.Key);
                File.WriteAllBytes(path, d.Value);
                return path;
            }).ToList();
            var tool = Path.Combine(RepoFiles.Root, "tests", "tools", "schema-check");
            if (!Directory.Exists(Path.Combine(tool, "node_modules", "@cyclonedx")))
                throw new InvalidOperationException($"run 'npm ci --prefix {tool}' first (./test.sh does)");
            var psi = new ProcessStartInfo("node", [Path.Combine(tool, "validate-cyclonedx.js"), .. paths])
            {
                RedirectStandardError = true, RedirectStandardOutput = true,
            };
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = await p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, stdout + await stderr);
            Assert.Equal(documents.Count, stdout.Split('\n').Count(l => l.EndsWith(": valid", StringComparison.Ordinal)));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_document_names_the_artifact_with_its_sha256_and_gatehouse_as_the_tool()
    {
        var bom = Write(Mixed());
        Assert.Equal("CycloneDX", bom.GetProperty("bomFormat").GetString());
        Assert.Equal("1.6", bom.GetProperty("specVersion").GetString());
        Assert.Equal(1, bom.GetProperty("version").GetInt32());
        var metadata = bom.GetProperty("metadata");
        Assert.Equal("2026-12-05T14:00:00Z", metadata.GetProperty("timestamp").GetString());
        Assert.Equal("Gatehouse", metadata.GetProperty("tools").GetProperty("components")[0].GetProperty("name").GetString());
        var component = metadata.GetProperty("component");
        Assert.Equal("application", component.GetProperty("type").GetString());
        Assert.Equal("shop app.zip", component.GetProperty("name").GetString());
        Assert.Equal("2.4.1", component.GetProperty("version").GetString());
        Assert.Equal("SHA-256", component.GetProperty("hashes")[0].GetProperty("alg").GetString());
        Assert.Equal(Sha, component.GetProperty("hashes")[0].GetProperty("content").GetString());
    }

    [Fact]
    public void Two_runs_over_the_same_artifact_differ_only_in_the_timestamp_whatever_the_input_order()
    {
        var packages = Mixed();
        var a = CycloneDxWriter.ToBytes(Subject, packages, Matches(packages), When);
        var shuffled = packages.AsEnumerable().Reverse().ToList();
        var b = CycloneDxWriter.ToBytes(Subject, shuffled, Matches(shuffled).AsEnumerable().Reverse().ToList(), When);
        Assert.Equal(a, b);
        var later = JsonDocument.Parse(CycloneDxWriter.ToBytes(Subject, packages, Matches(packages), When.AddDays(3))).RootElement;
        var first = JsonDocument.Parse(a).RootElement;
        Assert.Equal(first.GetProperty("serialNumber").GetString(), later.GetProperty("serialNumber").GetString());
        Assert.Matches("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", first.GetProperty("serialNumber").GetString());
        Assert.NotEqual(CycloneDxWriter.SerialNumber(Sha), CycloneDxWriter.SerialNumber(new string('0', 64)));
    }

    [Fact]
    public void A_purl_declared_in_two_files_gets_two_components_with_distinct_refs_and_the_file_of_each()
    {
        var bom = Write(Mixed());
        var lodash = bom.GetProperty("components").EnumerateArray()
            .Where(c => c.GetProperty("purl").GetString() == "pkg:npm/lodash@4.17.20").ToList();
        Assert.Equal(2, lodash.Count);
        Assert.Equal(
            ["pkg:npm/lodash@4.17.20|app/package-lock.json", "pkg:npm/lodash@4.17.20|app/vendor/legacy/package-lock.json"],
            lodash.Select(c => c.GetProperty("bom-ref").GetString()!));
        Assert.Equal("app/vendor/legacy/package-lock.json", lodash[1].GetProperty("properties")[0].GetProperty("value").GetString());
        Assert.Equal("gatehouse:declared-in", lodash[1].GetProperty("properties")[0].GetProperty("name").GetString());
        Assert.Equal("app/vendor/legacy/package-lock.json", lodash[1].GetProperty("evidence").GetProperty("occurrences")[0].GetProperty("location").GetString());
        var refs = bom.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("bom-ref").GetString()).ToList();
        Assert.Equal(refs.Count, refs.Distinct().Count());
    }

    [Fact]
    public void Maven_and_npm_scopes_are_groups_other_ecosystems_keep_their_own_name()
    {
        var components = Write(Mixed()).GetProperty("components").EnumerateArray().DistinctBy(c => c.GetProperty("purl").GetString()).ToDictionary(c => c.GetProperty("purl").GetString()!);
        var log4j = components["pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"];
        Assert.Equal("org.apache.logging.log4j", log4j.GetProperty("group").GetString());
        Assert.Equal("log4j-core", log4j.GetProperty("name").GetString());
        var babel = components["pkg:npm/%40babel/core@7.24.0"];
        Assert.Equal("@babel", babel.GetProperty("group").GetString());
        Assert.Equal("core", babel.GetProperty("name").GetString());
        Assert.Equal("golang.org/x/text", components["pkg:golang/golang.org/x/text@v0.3.7"].GetProperty("name").GetString());
        var ssl = components["pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"];
        Assert.Contains(ssl.GetProperty("properties").EnumerateArray(),
            p => p.GetProperty("name").GetString() == "gatehouse:source-name" && p.GetProperty("value").GetString() == "openssl");
        Assert.Contains(ssl.GetProperty("properties").EnumerateArray(),
            p => p.GetProperty("name").GetString() == "gatehouse:ecosystem" && p.GetProperty("value").GetString() == "Debian:12");
        Assert.DoesNotContain(log4j.GetProperty("properties").EnumerateArray(), p => p.GetProperty("name").GetString() == "gatehouse:ecosystem");
        Assert.All(components.Values, c => Assert.Equal("library", c.GetProperty("type").GetString()));
    }

    [Fact]
    public void Vulnerabilities_carry_the_osv_id_cvss_aliases_fixed_versions_and_refs_to_the_components()
    {
        var bom = Write(Mixed());
        var refs = bom.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("bom-ref").GetString()).ToHashSet();
        var vulns = bom.GetProperty("vulnerabilities").EnumerateArray().ToList();
        Assert.Equal(["DSA-5532-1", "GHSA-35jh-r3h4-6jhm", "GHSA-jfh8-c2jp-5v3q"], vulns.Select(v => v.GetProperty("id").GetString()!));
        var lodash = vulns[1];
        Assert.Equal("https://github.com/advisories/GHSA-35jh-r3h4-6jhm", lodash.GetProperty("source").GetProperty("url").GetString());
        var rating = lodash.GetProperty("ratings")[0];
        Assert.Equal("CVSSv31", rating.GetProperty("method").GetString());
        Assert.Equal(7.2, rating.GetProperty("score").GetDouble());
        Assert.Equal("high", rating.GetProperty("severity").GetString());
        Assert.StartsWith("CVSS:3.1/AV:N", rating.GetProperty("vector").GetString());
        Assert.Equal("CVE-2021-23337", lodash.GetProperty("references")[0].GetProperty("id").GetString());
        Assert.Equal("NVD", lodash.GetProperty("references")[0].GetProperty("source").GetProperty("name").GetString());
        Assert.Equal("lodash@4.17.20: upgrade to 4.17.21", lodash.GetProperty("recommendation").GetString());
        Assert.Equal(2, lodash.GetProperty("affects").GetArrayLength()); // both files that declare it
        Assert.All(vulns.SelectMany(v => v.GetProperty("affects").EnumerateArray()), a => Assert.Contains(a.GetProperty("ref").GetString(), refs));
        var log4j = vulns[2].GetProperty("ratings")[0];
        Assert.Equal("CVSSv4", log4j.GetProperty("method").GetString());
        Assert.Equal("critical", log4j.GetProperty("severity").GetString());
        Assert.Contains("upgrade to 2.15.0 or 2.12.2", vulns[2].GetProperty("recommendation").GetString());
        var dsa = vulns[0];
        Assert.Equal("medium", dsa.GetProperty("ratings")[0].GetProperty("severity").GetString());
        Assert.False(dsa.GetProperty("ratings")[0].TryGetProperty("method", out _));
        Assert.Contains("no fixed version is known", dsa.GetProperty("recommendation").GetString());
        Assert.Equal("gatehouse:uncertain", dsa.GetProperty("properties")[0].GetProperty("name").GetString());
    }

    [Fact]
    public void Without_an_advisory_store_there_is_no_vulnerabilities_section()
    {
        Assert.False(Write(Mixed(), withMatches: false).TryGetProperty("vulnerabilities", out _));
    }

    [Fact]
    public void A_subject_without_a_sha256_is_refused()
    {
        Assert.Throws<ArgumentException>(() => CycloneDxWriter.ToBytes(Subject with { Sha256 = "abc" }, [], null, When));
    }
}
