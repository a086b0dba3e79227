using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Charts.Rules;
using Gatehouse.Analysis.Tests.Requirements;

namespace Gatehouse.Analysis.Tests.Charts.Rules;

public sealed class ManifestRulesCatalogTests
{
    [Fact]
    public void At_least_25_manifest_rules_with_unique_ids_all_listed_by_the_engine()
    {
        Assert.True(ManifestRules.All.Count >= 25, $"only {ManifestRules.All.Count} rules");
        Assert.Equal(ManifestRules.All.Count, ManifestRules.All.Select(r => r.Id).Distinct(StringComparer.Ordinal).Count());
        var all = AnalyzerCatalog.AllRules().Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        Assert.All(ManifestRules.All.Concat(ChartImageApproval.AllRules), r => Assert.Contains(r.Id, all));
        Assert.All(ManifestRules.All, r => Assert.Matches(@"^(k8s|chart)\.[a-z0-9-]+$", r.Id));
    }

    [Fact]
    public void Every_rule_has_a_doc_page_that_maps_it_to_other_tools_and_a_row_in_the_rules_index()
    {
        var index = File.ReadAllText(RepoFiles.Path("docs", "rules", "README.md"));
        foreach (var rule in ManifestRules.All.Concat(ChartImageApproval.AllRules))
        {
            var page = RepoFiles.Path("docs", "rules", rule.Id + ".md");
            Assert.True(File.Exists(page), $"missing {rule.DocPath}");
            var text = File.ReadAllText(page);
            Assert.Equal($"# `{rule.Id}`", File.ReadLines(page).First());
            Assert.Contains($"**Requirement:** {rule.RequirementId}", text, StringComparison.Ordinal);
            Assert.Contains("## Other tools", text, StringComparison.Ordinal);
            Assert.Contains($"| [`{rule.Id}`]({rule.Id}.md) |", index, StringComparison.Ordinal);
        }
    }
}
