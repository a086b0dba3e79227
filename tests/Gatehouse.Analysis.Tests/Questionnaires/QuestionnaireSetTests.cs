using Gatehouse.Analysis.Questionnaires;
using Gatehouse.Analysis.Requirements;
using Gatehouse.Analysis.Tests.Requirements;

namespace Gatehouse.Analysis.Tests.Questionnaires;

public sealed class QuestionnaireSetTests
{
    private const string ValidFile = """
        version: 2
        appType: container
        title: Container questions
        items:
          - id: Q-CTR-1
            requirement: GH-CTR-1
            kind: yes-no
            required: true
            text: Does the image run as a non-root user?
            options:
              - value: yes
                score: info
              - value: no
                score: fail
                message: Run as non-root.
          - id: Q-CTR-2
            requirement: GH-VEND-1
            kind: text
            required: false
            text: Security contact?
        """;

    private static GuidelineDataException LoadFails(string text, string name = "rules/questionnaires/container.yaml") =>
        Assert.Throws<GuidelineDataException>(() => QuestionnaireSet.Load([(name, text)]));

    [Fact]
    public void Every_app_type_has_a_questionnaire_of_6_to_12_items()
    {
        var set = QuestionnaireSet.LoadEmbedded();
        foreach (var type in AppTypes.All)
        {
            var q = set.Get(type);
            Assert.Equal(type, q.AppType);
            Assert.InRange(q.Items.Count, 6, 12);
            Assert.True(q.Version >= 1);
        }
    }

    [Fact]
    public void The_embedded_questionnaires_are_the_ones_in_the_rules_folder()
    {
        var disk = QuestionnaireSet.LoadDirectory(RepoFiles.Path("rules", "questionnaires"));
        Assert.Equal(disk.All.Select(q => q.Digest), QuestionnaireSet.LoadEmbedded().All.Select(q => q.Digest));
    }

    [Fact]
    public void Questionnaires_and_catalogue_point_at_each_other()
    {
        var problems = QuestionnaireSet.LoadEmbedded().CheckAgainst(RequirementCatalog.LoadEmbedded());
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_questionnaire_can_fail_and_every_option_scoring_warn_or_fail_says_why()
    {
        foreach (var q in QuestionnaireSet.LoadEmbedded().All)
        {
            Assert.Contains(q.Items, i => i.Options.Any(o => o.Score == QuestionScore.Fail));
            Assert.All(q.Items.SelectMany(i => i.Options).Where(o => o.Score != QuestionScore.Info), o => Assert.False(string.IsNullOrWhiteSpace(o.Message)));
        }
    }

    [Fact]
    public void A_valid_file_loads()
    {
        var q = QuestionnaireSet.Load([("rules/questionnaires/container.yaml", ValidFile)]).Get("container");
        Assert.Equal((2, 2), (q.Version, q.Items.Count));
        Assert.Equal(QuestionKind.YesNo, q.Items[0].Kind);
        Assert.Equal(["yes", "no"], q.Items[0].Options.Select(o => o.Value));
        Assert.Empty(q.Items[1].Options);
    }

    [Theory]
    [InlineData("    kind: yes-no", "    kind: multiple", "Q-CTR-1: unknown kind 'multiple'")]
    [InlineData("        score: fail", "        score: block", "unknown score 'block'")]
    [InlineData("        score: fail\n        message: Run as non-root.", "        score: fail", "needs a message")]
    [InlineData("      - value: no", "      - value: maybe", "exactly the options yes and no")]
    [InlineData("    required: true", "    required: yes", "'required' must be true or false")]
    [InlineData("appType: container", "appType: desktop", "unknown app type 'desktop'")]
    [InlineData("    text: Security contact?", "    text: Security contact?\n    options: []", "a text item has no options")]
    [InlineData("    text: Security contact?", "    text: Security contact?\n    hint: x", "Q-CTR-2: unknown key 'hint'")]
    [InlineData("  - id: Q-CTR-2", "  - id: Q-CTR-1", "Q-CTR-1: duplicate ID")]
    public void Invalid_questionnaires_are_reported_clearly(string from, string to, string expected)
    {
        var ex = LoadFails(ValidFile.Replace(from, to, StringComparison.Ordinal));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("container.yaml", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_file_name_must_be_the_app_type()
    {
        var ex = LoadFails(ValidFile, "rules/questionnaires/containers.yaml");
        Assert.Contains("must be named container.yaml", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_and_oversized_files_are_refused()
    {
        Assert.Contains("not valid YAML", LoadFails("items: [\n").Message, StringComparison.Ordinal);
        Assert.Contains("larger than", LoadFails(ValidFile + "#" + new string('x', QuestionnaireSet.MaxFileBytes)).Message, StringComparison.Ordinal);
    }
}
