using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Images.Checks;

namespace Gatehouse.Analysis.Tests.Images.Checks;

public sealed class ImageCheckRulesTests
{
    [Fact]
    public void Every_image_check_rule_is_listed_by_the_engine_and_built_into_its_analyzers()
    {
        var all = AnalyzerCatalog.AllRules().Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        Assert.All(ImageCheckRules.All, r => Assert.Contains(r.Id, all));
        Assert.All(ImageCheckRules.All, r => Assert.StartsWith("image.", r.Id, StringComparison.Ordinal));
        using var engines = new EngineHandles(TimeProvider.System);
        Assert.Contains(AnalyzerCatalog.Create(engines, new EngineSettings(), Gatehouse.Analysis.Pipeline.Policy.Default, TimeProvider.System), a => a is ImageChecksAnalyzer);
    }

    [Fact]
    public void Every_image_check_rule_has_a_doc_page_and_a_row_in_the_rules_index()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gatehouse.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        foreach (var rule in ImageCheckRules.All)
        {
            var page = Path.Combine(dir.FullName, rule.DocPath);
            Assert.True(File.Exists(page), $"missing {rule.DocPath}");
            Assert.Equal($"# `{rule.Id}`", File.ReadLines(page).First());
            Assert.Contains($"| [`{rule.Id}`]({rule.Id}.md) |", File.ReadAllText(Path.Combine(dir.FullName, "docs/rules/README.md")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_bundled_end_of_life_table_loads_and_names_its_sources()
    {
        var table = EolTable.Default;
        Assert.True(table.Releases.Count > 20);
        Assert.Equal("Debian 12 (bookworm)", table.Find("debian", "12")!.Name);
        Assert.Equal("3.19", table.Find("alpine", "3.19.4")!.Version);
        Assert.Null(table.Find("alpine", "3.190"));
        Assert.Null(table.Find("fedora", "41"));
    }
}
