using System.Text;
using Gatehouse.Analysis.Vulnerabilities.Osv;

namespace Gatehouse.Analysis.Tests.Vulnerabilities;

public sealed class OsvParserTests
{
    [Fact]
    public void Every_real_record_in_the_test_data_parses()
    {
        var files = Directory.GetFiles(OsvTestData.Folder, "*.json");
        Assert.True(files.Length >= 6);
        foreach (var file in files)
        {
            var result = OsvParser.Parse(File.ReadAllBytes(file));
            Assert.True(result.Success, $"{Path.GetFileName(file)}: {result.Error?.Message}");
            Assert.Equal(Path.GetFileNameWithoutExtension(file), result.Record.Id);
            Assert.NotEmpty(result.Record.Affected);
        }
    }

    [Fact]
    public void Reads_the_fields_matching_needs_from_a_real_record()
    {
        var r = OsvTestData.Load("GHSA-jfh8-c2jp-5v3q");
        Assert.Equal(new DateTimeOffset(2022, 3, 25, 20, 56, 18, TimeSpan.Zero), r.Modified);
        Assert.Equal(new DateTimeOffset(2021, 12, 10, 0, 40, 56, TimeSpan.Zero), r.Published);
        Assert.Null(r.Withdrawn);
        Assert.Equal(["CVE-2021-44228"], r.Aliases);
        var severity = Assert.Single(r.Severity);
        Assert.Equal("CVSS_V3", severity.Type);
        Assert.Equal("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", severity.Score);
        Assert.Equal(3, r.Affected.Count);
        Assert.All(r.Affected, a => Assert.Equal(("Maven", "org.apache.logging.log4j:log4j-core"), (a.Package!.Ecosystem, a.Package.Name)));
        var range = Assert.Single(r.Affected[0].Ranges);
        Assert.Equal("ECOSYSTEM", range.Type);
        Assert.Equal(["2.13.0", "2.15.0"], range.Events.Select(e => e.Introduced ?? e.Fixed));
        Assert.Equal("CRITICAL", r.DatabaseSpecific!.Value.GetProperty("severity").GetString());

        var lodash = OsvTestData.Load("GHSA-p6mc-m468-83gw");
        Assert.Equal("lodash.baseSet", lodash.Affected[0].EcosystemSpecific!.Value.GetProperty("affected_functions")[0].GetString());
        Assert.Empty(OsvTestData.Load("GHSA-5crp-9r3c-p9vr").Aliases);
        Assert.Equal("SEMVER", OsvTestData.Load("RUSTSEC-2019-0033").Affected[0].Ranges[0].Type);
    }

    [Fact]
    public void Reads_withdrawn_versions_last_affected_limit_and_purl_and_ignores_unknown_fields()
    {
        const string json = """
            {"id":"X-1","modified":"2024-01-02T03:04:05.123456Z","withdrawn":"2024-02-01T00:00:00Z","schema_version":"1.6.0",
             "credits":[{"name":"n"}],"future_field":{"a":[1,2,{"b":null}]},
             "affected":[{"package":{"ecosystem":"npm","name":"x","purl":"pkg:npm/x"},"versions":["1.0.0"],
               "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"last_affected":"1.0.0"},{"limit":"*"}],"database_specific":{"k":1}}]}]}
            """;
        var r = OsvParser.Parse(json);
        Assert.True(r.Success, r.Error?.Message);
        Assert.Equal(new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero), r.Record.Withdrawn);
        var a = Assert.Single(r.Record.Affected);
        Assert.Equal("pkg:npm/x", a.Package!.Purl);
        Assert.Equal(["1.0.0"], a.Versions);
        Assert.Equal("1.0.0", a.Ranges[0].Events[1].LastAffected);
        Assert.Equal("*", a.Ranges[0].Events[2].Limit);
        Assert.Empty(r.Record.References);
        Assert.Empty(r.Record.Severity);
        Assert.Empty(a.Severity);
    }

    [Fact]
    public void Absent_lists_read_as_empty()
    {
        var r = OsvParser.Parse("""{"id":"X","modified":"2024-01-01T00:00:00Z","affected":[{"ranges":[{"type":"SEMVER"}]}]}""");
        Assert.True(r.Success, r.Error?.Message);
        Assert.Empty(r.Record.Aliases);
        Assert.Empty(r.Record.Related);
        Assert.Empty(r.Record.Affected[0].Versions);
        Assert.Empty(r.Record.Affected[0].Ranges[0].Events);
        Assert.Null(r.Record.Affected[0].Package);
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { "no id", """{"modified":"2024-01-01T00:00:00Z"}""" },
        { "empty id", """{"id":" ","modified":"2024-01-01T00:00:00Z"}""" },
        { "no modified", """{"id":"X"}""" },
        { "bad timestamp", """{"id":"X","modified":"yesterday"}""" },
        { "id is a number", """{"id":5,"modified":"2024-01-01T00:00:00Z"}""" },
        { "null id", """{"id":null,"modified":"2024-01-01T00:00:00Z"}""" },
        { "package without name", """{"id":"X","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm"}}]}""" },
        { "event version is a number", """{"id":"X","modified":"2024-01-01T00:00:00Z","affected":[{"ranges":[{"type":"SEMVER","events":[{"introduced":0}]}]}]}""" },
        { "null alias", """{"id":"X","modified":"2024-01-01T00:00:00Z","aliases":[null]}""" },
        { "null version", """{"id":"X","modified":"2024-01-01T00:00:00Z","affected":[{"versions":["1",null]}]}""" },
        { "null event", """{"id":"X","modified":"2024-01-01T00:00:00Z","affected":[{"ranges":[{"events":[null]}]}]}""" },
        { "null affected entry", """{"id":"X","modified":"2024-01-01T00:00:00Z","affected":[null]}""" },
        { "null list", """{"id":"X","modified":"2024-01-01T00:00:00Z","aliases":null}""" },
        { "duplicate key", """{"id":"X","id":"Y","modified":"2024-01-01T00:00:00Z"}""" },
        { "json null", "null" },
        { "array", "[]" },
        { "not json", "<html>" },
        { "truncated", """{"id":"X","modified":""" },
        { "empty", "" },
    };

    [Theory, MemberData(nameof(Invalid))]
    public void Rejects_malformed_records_with_osv_invalid(string why, string json)
    {
        var r = OsvParser.Parse(json);
        Assert.False(r.Success, why);
        Assert.Equal(OsvParseError.Invalid, r.Error.Code);
        Assert.False(string.IsNullOrEmpty(r.Error.Message));
    }

    [Fact]
    public void Hostile_documents_are_refused_without_throwing()
    {
        // Nesting far beyond the depth limit inside an uninterpreted object.
        var deep = """{"id":"X","modified":"2024-01-01T00:00:00Z","database_specific":""" + new string('[', 100_000) + new string(']', 100_000) + "}";
        Assert.Equal(OsvParseError.Invalid, OsvParser.Parse(deep).Error?.Code);

        // Over the byte limit.
        var big = """{"id":"X","modified":"2024-01-01T00:00:00Z","details":" """ + new string('a', 2_000) + "\"}";
        Assert.Equal(OsvParseError.TooLarge, OsvParser.Parse(big, maxBytes: 1_000).Error?.Code);
        Assert.Equal(OsvParseError.TooLarge, OsvParser.Parse(Encoding.UTF8.GetBytes(big), maxBytes: 1_000).Error?.Code);

        // Invalid UTF-8 inside a string.
        var bytes = Encoding.UTF8.GetBytes("""{"id":"X?","modified":"2024-01-01T00:00:00Z"}""");
        bytes[8] = 0xFF;
        Assert.Equal(OsvParseError.Invalid, OsvParser.Parse(bytes).Error?.Code);

        Assert.Equal(OsvParseError.Invalid, OsvParser.Parse((string)null!).Error?.Code);
    }
}
