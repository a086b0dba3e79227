using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Probes;

namespace Gatehouse.Analysis.Tests.Probes;

public sealed class ProbeRulesTests
{
    [Fact]
    public void Every_probe_rule_is_listed_by_the_engine()
    {
        var all = AnalyzerCatalog.AllRules().Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        Assert.All(ProbeRules.All, r => Assert.Contains(r.Id, all));
        Assert.All(ProbeRules.All, r => Assert.StartsWith("probe.", r.Id, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_probe_rule_has_a_doc_page()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gatehouse.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        foreach (var rule in ProbeRules.All)
        {
            var page = Path.Combine(dir.FullName, rule.DocPath);
            Assert.True(File.Exists(page), $"missing {rule.DocPath}");
            Assert.Equal($"# `{rule.Id}`", File.ReadLines(page).First());
            Assert.Contains($"| [`{rule.Id}`]({rule.Id}.md) |", File.ReadAllText(Path.Combine(dir.FullName, "docs/rules/README.md")), StringComparison.Ordinal);
        }
    }
}
