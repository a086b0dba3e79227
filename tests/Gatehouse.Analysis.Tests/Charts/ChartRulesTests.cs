using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Tests.Charts;

/// <summary>The chart analyzer's rules are listed and documented (AnalyzerCatalogTests checks it runs last).</summary>
public sealed class ChartRulesTests
{
    [Fact]
    public void Every_chart_rule_has_a_doc_page_and_a_line_in_the_rules_index()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gatehouse.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var index = File.ReadAllText(Path.Combine(dir.FullName, "docs/rules/README.md"));
        foreach (var rule in ChartRules.All)
        {
            Assert.StartsWith("chart.", rule.Id, StringComparison.Ordinal);
            var page = Path.Combine(dir.FullName, rule.DocPath);
            Assert.True(File.Exists(page), $"missing {rule.DocPath}");
            Assert.Equal($"# `{rule.Id}`", File.ReadLines(page).First());
            Assert.Contains($"| [`{rule.Id}`]({rule.Id}.md) |", index, StringComparison.Ordinal);
            Assert.Contains(rule, AnalyzerCatalog.AllRules());
        }
        Assert.Equal("GH-HELM-6", ChartRules.Metadata.RequirementId);
        Assert.Equal("GH-HELM-6", ChartRules.ValuesSchema.RequirementId);
    }
}
