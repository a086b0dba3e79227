using System.Runtime.CompilerServices;
using Gatehouse.Analysis.Analyzers.Secrets;

namespace Gatehouse.Analysis.Tests.Analyzers.Secrets;

public sealed class SecretRulesFileTests
{
    private static string RepoRoot([CallerFilePath] string here = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(here)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gatehouse.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + here);
    }

    [Fact]
    public void There_are_at_least_40_secret_rules()
    {
        Assert.True(SecretsAnalyzer.AllRules.Count >= 40, $"only {SecretsAnalyzer.AllRules.Count} rules");
    }

    [Fact]
    public void Every_rule_id_is_secret_kind_and_verifies_gh_sec_1()
    {
        Assert.All(SecretsAnalyzer.AllRules, r =>
        {
            Assert.Matches("^secret\\.[a-z0-9]+(-[a-z0-9]+)*$", r.Id);
            Assert.Equal("GH-SEC-1", r.RequirementId);
            Assert.False(string.IsNullOrWhiteSpace(r.Title));
            Assert.Contains("Fix:", r.Description, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void The_embedded_rules_are_the_rules_file_in_the_repository()
    {
        var onDisk = SecretRuleSet.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "rules", "secrets", "rules.json")));

        Assert.Equal(onDisk.Descriptors, SecretsAnalyzer.AllRules);
    }

    [Fact]
    public void Every_rule_has_a_doc_page_and_a_row_in_the_index()
    {
        var docs = Path.Combine(RepoRoot(), "docs", "rules");
        var index = File.ReadAllText(Path.Combine(docs, "secret.md"));

        Assert.All(SecretsAnalyzer.AllRules, r =>
        {
            Assert.True(File.Exists(Path.Combine(RepoRoot(), r.DocPath)), r.DocPath + " is missing");
            Assert.Contains("[`" + r.Id + "`](" + r.Id + ".md)", index, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_rule_whose_regex_needs_backtracking_is_rejected()
    {
        var json = Minimal("secret.demo", "(?<=x)abc");

        var e = Assert.Throws<InvalidDataException>(() => SecretRuleSet.Parse(json));
        Assert.Contains("secret.demo", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_defined_twice_is_rejected()
    {
        var json = Minimal("secret.demo", "abc").Replace("\"rules\": [", "\"rules\": [" + RuleJson("secret.demo", "abc") + ",", StringComparison.Ordinal);

        Assert.Throws<InvalidDataException>(() => SecretRuleSet.Parse(json));
    }

    [Fact]
    public void An_unknown_field_in_the_rules_file_is_rejected()
    {
        var json = Minimal("secret.demo", "abc").Replace("\"regex\"", "\"entropyy\": 3, \"regex\"", StringComparison.Ordinal);

        Assert.Throws<InvalidDataException>(() => SecretRuleSet.Parse(json));
    }

    private static string RuleJson(string id, string regex) =>
        "{ \"id\": \"" + id + "\", \"title\": \"Demo\", \"severity\": \"High\", \"requirementId\": \"GH-SEC-1\", \"keywords\": [\"abc\"], \"regex\": \""
        + regex + "\", \"description\": \"d\", \"rotate\": \"r\" }";

    private static string Minimal(string id, string regex) =>
        "{ \"version\": \"1\", \"lockfiles\": [], \"globalAllow\": [], \"rules\": [" + RuleJson(id, regex) + "] }";
}
