using System.Text;
using Gatehouse.Analysis.Vulnerabilities.Sbom;
using static Gatehouse.Analysis.Tests.Vulnerabilities.Sbom.SbomSamples;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Sbom;

public sealed class CycloneDxReaderTests
{
    private static SbomReadResult Read(string json, int maxComponents = CycloneDxReader.DefaultMaxComponents) =>
        CycloneDxReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), "vendor.cdx.json", maxComponents: maxComponents);

    [Fact]
    public void Reads_back_what_the_writer_wrote()
    {
        var packages = Mixed();
        var result = CycloneDxReader.Read(new MemoryStream(CycloneDxWriter.ToBytes(Subject, packages, Matches(packages), When)));
        Assert.True(result.Success, result.Error?.Message);
        Assert.Equal("1.6", result.SpecVersion);
        Assert.Equal("shop app.zip", result.SubjectName);
        Assert.Equal("2.4.1", result.SubjectVersion);
        Assert.Equal(CycloneDxWriter.SerialNumber(Sha), result.SerialNumber);
        var expected = packages.OrderBy(p => p.Purl.ToString(), StringComparer.Ordinal).ThenBy(p => p.DeclaredIn, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, result.Packages);
    }

    [Fact]
    public void Reads_a_third_party_sbom_with_nested_components_and_evidence()
    {
        var result = Read("""
            {
              "bomFormat": "CycloneDX", "specVersion": "1.5", "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", "version": 1,
              "metadata": { "component": { "type": "application", "name": "acme-portal", "version": "3.1.0" } },
              "components": [
                { "type": "library", "name": "express", "version": "4.18.2", "purl": "pkg:npm/express@4.18.2",
                  "evidence": { "occurrences": [ { "location": "node_modules/express/package.json" } ] },
                  "components": [ { "type": "library", "name": "qs", "purl": "pkg:npm/qs", "version": "6.11.0" } ] },
                { "type": "library", "name": "requests", "purl": "pkg:pypi/Requests@2.31.0" },
                { "type": "file", "name": "app.js" },
                { "type": "library", "name": "broken", "purl": "not a purl" },
                { "type": "library", "name": "tool", "purl": "pkg:generic/acme/tool@1.0" }
              ]
            }
            """);
        Assert.True(result.Success, result.Error?.Message);
        Assert.Equal("acme-portal", result.SubjectName);
        Assert.Equal(1, result.ComponentsWithoutPurl);
        Assert.Equal(1, result.InvalidPurls);
        Assert.Contains(result.Warnings, w => w.Contains("components[3]", StringComparison.Ordinal));
        var byPurl = result.Packages.ToDictionary(p => p.Purl.ToString());
        Assert.Equal(("npm", "express", "4.18.2", "node_modules/express/package.json"),
            (byPurl["pkg:npm/express@4.18.2"].Ecosystem, byPurl["pkg:npm/express@4.18.2"].Name, byPurl["pkg:npm/express@4.18.2"].Version, byPurl["pkg:npm/express@4.18.2"].DeclaredIn));
        Assert.Equal(("6.11.0", "vendor.cdx.json"), (byPurl["pkg:npm/qs"].Version, byPurl["pkg:npm/qs"].DeclaredIn));
        Assert.Equal(("PyPI", "requests"), (byPurl["pkg:pypi/requests@2.31.0"].Ecosystem, byPurl["pkg:pypi/requests@2.31.0"].Name));
        Assert.Equal("generic", byPurl["pkg:generic/acme/tool@1.0"].Ecosystem);
    }

    [Theory]
    [InlineData("""{ "spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "packages": [] }""", "SPDX")]
    [InlineData("SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n", "SPDX tag-value")]
    [InlineData("""<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1"/>""", "CycloneDX XML")]
    [InlineData("""{ "bomFormat": "CycloneDX", "specVersion": "1.1", "components": [] }""", "CycloneDX 1.1")]
    [InlineData("\n\u0003\u0031.6\u0010\u0001", "binary")]
    public void Formats_gatehouse_does_not_read_are_unsupported_and_say_which(string document, string named)
    {
        var result = Read(document);
        Assert.False(result.Success);
        Assert.Equal("sbom.unsupported", result.Error.Code);
        Assert.Contains(named, result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("""{ "bomFormat": "SomethingElse", "specVersion": "1.6" }""")]
    [InlineData("""{ "bomFormat": "CycloneDX" }""")]
    [InlineData("""{ "bomFormat": "CycloneDX", "specVersion": "1.6", "components": {} }""")]
    [InlineData("""{ "bomFormat": "CycloneDX", "specVersion": "1.6", "components": [ 42 ] }""")]
    [InlineData("""{ "bomFormat": "CycloneDX", "specVersion": "1.6", "components": [ { "purl": 7 } ] }""")]
    [InlineData("""{ "bomFormat": "CycloneDX", "specVersion": "1.6", "specVersion": "1.6" }""")]
    public void Malformed_documents_are_invalid(string document)
    {
        var result = Read(document);
        Assert.False(result.Success);
        Assert.Equal("sbom.invalid", result.Error.Code);
    }

    [Fact]
    public void Components_nested_deeper_than_the_limit_are_invalid_not_a_stack_overflow()
    {
        var sb = new StringBuilder("""{ "bomFormat": "CycloneDX", "specVersion": "1.6", "components": """);
        for (var i = 0; i < 200; i++) sb.Append("""[ { "name": "x", "components": """);
        sb.Append("[]");
        for (var i = 0; i < 200; i++) sb.Append(" } ]");
        sb.Append(" }");
        var result = Read(sb.ToString());
        Assert.Equal("sbom.invalid", result.Error!.Code);
    }

    [Fact]
    public void More_bytes_than_the_limit_is_too_large_and_is_not_read_to_the_end()
    {
        var stream = new EndlessStream();
        var result = CycloneDxReader.Read(stream, maxBytes: 1024 * 1024);
        Assert.Equal("sbom.too-large", result.Error!.Code);
        Assert.True(stream.Served <= 1024 * 1024 + 81920);
    }

    [Fact]
    public void More_components_than_the_limit_is_too_large()
    {
        var components = string.Join(",", Enumerable.Range(0, 11).Select(i => $$"""{ "name": "p{{i}}", "purl": "pkg:npm/p{{i}}@1.0.0" }"""));
        var result = Read($$"""{ "bomFormat": "CycloneDX", "specVersion": "1.6", "components": [ {{components}} ] }""", maxComponents: 10);
        Assert.Equal("sbom.too-large", result.Error!.Code);
    }

    private sealed class EndlessStream : Stream
    {
        public long Served { get; private set; }
        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, (byte)' ', offset, count);
            Served += count;
            return count;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Served; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
