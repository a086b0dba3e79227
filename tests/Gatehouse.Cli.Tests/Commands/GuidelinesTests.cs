using System.Text.Json;
using Gatehouse.Analysis.Requirements;
using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests.Commands;

public sealed class GuidelinesTests
{
    [Fact]
    public async Task Guidelines_lists_every_requirement_grouped_by_area_without_a_server()
    {
        using var cli = new CliHarness();

        var run = await cli.RunAsync("guidelines");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var catalog = RequirementCatalog.LoadEmbedded();
        Assert.Contains($"catalogue {catalog.Version}", run.Out, StringComparison.Ordinal);
        Assert.Contains("Transport security", run.Out, StringComparison.Ordinal);
        Assert.Contains("GH-TLS-1", run.Out, StringComparison.Ordinal);
        Assert.Contains($"{catalog.All.Count} requirements", run.Out, StringComparison.Ordinal);
        Assert.Empty(cli.Api.Requests);
    }

    [Fact]
    public async Task Guidelines_as_json_has_the_catalogue_version_and_every_field()
    {
        using var cli = new CliHarness();

        var run = await cli.RunAsync("guidelines", "--format", "json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        var catalog = RequirementCatalog.LoadEmbedded();
        Assert.Equal(catalog.Version, doc.RootElement.GetProperty("catalogVersion").GetString());
        var requirements = doc.RootElement.GetProperty("requirements").EnumerateArray().ToList();
        Assert.Equal(catalog.All.Count, requirements.Count);
        var tls = requirements.Single(r => r.GetProperty("id").GetString() == "GH-TLS-1");
        foreach (var field in new[] { "title", "why", "how", "severity", "area", "areaTitle", "digest" })
            Assert.False(string.IsNullOrEmpty(tls.GetProperty(field).GetString()), field);
        Assert.Equal(2, tls.GetProperty("version").GetInt32()); // v2: probe rules moved from plannedRules to rules
        Assert.Equal("2026-11-29", tls.GetProperty("effective").GetString());
        Assert.Equal(["web-integration"], tls.GetProperty("appliesTo").EnumerateArray().Select(e => e.GetString()));
        var verifiedBy = tls.GetProperty("verifiedBy");
        foreach (var list in new[] { "rules", "plannedRules", "questions", "evidence" })
            Assert.Equal(JsonValueKind.Array, verifiedBy.GetProperty(list).ValueKind);
    }

    [Theory]
    [InlineData("helm-chart", "helm-chart")]
    [InlineData("chart", "helm-chart")]
    [InlineData("web", "web-integration")]
    public async Task Guidelines_for_one_type_lists_only_what_applies_to_it(string type, string expected)
    {
        using var cli = new CliHarness();

        var run = await cli.RunAsync("guidelines", "--type", type, "--format", "json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(expected, doc.RootElement.GetProperty("appType").GetString());
        var requirements = doc.RootElement.GetProperty("requirements").EnumerateArray().ToList();
        Assert.Equal(RequirementCatalog.LoadEmbedded().ForType(expected).Count, requirements.Count);
        Assert.All(requirements, r => Assert.Contains(expected, r.GetProperty("appliesTo").EnumerateArray().Select(e => e.GetString())));
    }

    [Fact]
    public async Task Guidelines_with_an_unknown_type_is_a_usage_error()
    {
        using var cli = new CliHarness();

        var run = await cli.RunAsync("guidelines", "--type", "mainframe");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("mainframe", run.Err, StringComparison.Ordinal);
    }
}
