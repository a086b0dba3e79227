using System.Text.Json;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Tests.Output;

public sealed class SarifWriterTests
{
    private static readonly SarifRule[] Rules =
    [
        new("gh.first", "The first rule.", SarifLevel.Warning, new Uri("https://docs.example/rules/gh.first")),
        new("gh.second", "The second rule."),
    ];

    private static JsonElement Write(params SarifResult[] results)
    {
        using var writer = new StringWriter();
        SarifWriter.Write(writer, "1.2.3", Rules, results);
        return JsonDocument.Parse(writer.ToString()).RootElement.Clone();
    }

    [Fact]
    public void The_log_declares_sarif_2_1_0_and_its_schema()
    {
        var log = Write();

        Assert.Equal("2.1.0", log.GetProperty("version").GetString());
        Assert.Equal("https://json.schemastore.org/sarif-2.1.0.json", log.GetProperty("$schema").GetString());
    }

    [Fact]
    public void The_log_has_one_run_whose_driver_is_gatehouse_with_all_rules()
    {
        var driver = Assert.Single(Write().GetProperty("runs").EnumerateArray()).GetProperty("tool").GetProperty("driver");

        Assert.Equal("gatehouse", driver.GetProperty("name").GetString());
        Assert.Equal("1.2.3", driver.GetProperty("version").GetString());
        Assert.False(driver.TryGetProperty("informationUri", out _));
        Assert.Equal(["gh.first", "gh.second"], driver.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Equal("warning", driver.GetProperty("rules")[0].GetProperty("defaultConfiguration").GetProperty("level").GetString());
        Assert.Equal("The first rule.", driver.GetProperty("rules")[0].GetProperty("shortDescription").GetProperty("text").GetString());
    }

    [Fact]
    public void A_run_without_findings_has_an_empty_results_array()
    {
        var results = Write().GetProperty("runs")[0].GetProperty("results");

        Assert.Equal(JsonValueKind.Array, results.ValueKind);
        Assert.Empty(results.EnumerateArray());
    }

    [Fact]
    public void A_result_has_rule_id_index_level_and_message()
    {
        var result = Write(new SarifResult("gh.second", SarifLevel.Note, "look here")).GetProperty("runs")[0].GetProperty("results")[0];

        Assert.Equal("gh.second", result.GetProperty("ruleId").GetString());
        Assert.Equal(1, result.GetProperty("ruleIndex").GetInt32());
        Assert.Equal("note", result.GetProperty("level").GetString());
        Assert.Equal("look here", result.GetProperty("message").GetProperty("text").GetString());
        Assert.False(result.TryGetProperty("locations", out _));
    }

    [Fact]
    public void A_file_location_has_an_artifact_uri_and_a_start_line()
    {
        var location = Write(new SarifResult("gh.first", SarifLevel.Error, "m", [new SarifLocation("src/app.js", 12)]))
            .GetProperty("runs")[0].GetProperty("results")[0].GetProperty("locations")[0].GetProperty("physicalLocation");

        Assert.Equal("src/app.js", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(12, location.GetProperty("region").GetProperty("startLine").GetInt32());
    }

    [Fact]
    public void A_logical_location_has_a_fully_qualified_name()
    {
        var location = Write(new SarifResult("gh.first", SarifLevel.Error, "m", [new SarifLocation(LogicalName: "audit/7", LogicalKind: "object")]))
            .GetProperty("runs")[0].GetProperty("results")[0].GetProperty("locations")[0];

        Assert.False(location.TryGetProperty("physicalLocation", out _));
        Assert.Equal("audit/7", location.GetProperty("logicalLocations")[0].GetProperty("fullyQualifiedName").GetString());
    }

    [Fact]
    public void A_result_for_an_unknown_rule_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Write(new SarifResult("gh.nope", SarifLevel.Error, "m")));
    }
}
