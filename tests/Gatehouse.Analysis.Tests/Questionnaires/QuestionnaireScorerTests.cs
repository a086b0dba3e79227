using Gatehouse.Analysis.Questionnaires;

namespace Gatehouse.Analysis.Tests.Questionnaires;

public sealed class QuestionnaireScorerTests
{
    private static Questionnaire Sample() => new("container", 3, "Sample",
    [
        new("Q-CTR-1", "Non-root?", "GH-CTR-1", QuestionKind.YesNo, true,
            [new("yes", null, QuestionScore.Info, null), new("no", null, QuestionScore.Fail, "Run as non-root (GH-CTR-1).")]),
        new("Q-CTR-2", "Base image?", "GH-CTR-2", QuestionKind.Choice, true,
            [new("minimal", "Minimal", QuestionScore.Info, null), new("full", "Full", QuestionScore.Warn, "Prefer a minimal base."), new("eol", "EOL", QuestionScore.Fail, "Upgrade.")]),
        new("Q-CTR-3", "Contact?", "GH-VEND-1", QuestionKind.Text, true, []),
        new("Q-CTR-4", "Network policies?", "GH-HELM-7", QuestionKind.YesNo, false,
            [new("yes", null, QuestionScore.Info, null), new("no", null, QuestionScore.Warn, "Ship them.")]),
    ]);

    private static Dictionary<string, string> Good() => new(StringComparer.Ordinal)
    {
        ["Q-CTR-1"] = "yes", ["Q-CTR-2"] = "minimal", ["Q-CTR-3"] = "security@example.test", ["Q-CTR-4"] = "yes",
    };

    [Fact]
    public void Good_answers_score_info_and_carry_the_questionnaire_version()
    {
        var result = QuestionnaireScorer.Score(Sample(), Good());
        Assert.Equal(QuestionScore.Info, result.Score);
        Assert.False(result.Blocks);
        Assert.Equal((3, "container"), (result.QuestionnaireVersion, result.AppType));
        Assert.Equal(Sample().Digest, result.QuestionnaireDigest);
        Assert.Equal(["Q-CTR-1", "Q-CTR-2", "Q-CTR-3", "Q-CTR-4"], result.Items.Select(i => i.Id));
        Assert.Equal("GH-CTR-1", result.Items[0].Requirement);
    }

    [Fact]
    public void A_warn_answer_makes_the_whole_result_warn()
    {
        var answers = Good();
        answers["Q-CTR-2"] = "full";
        var result = QuestionnaireScorer.Score(Sample(), answers);
        Assert.Equal(QuestionScore.Warn, result.Score);
        Assert.Equal("Prefer a minimal base.", result.Items[1].Message);
    }

    [Fact]
    public void One_fail_answer_fails_and_blocks_even_among_warnings()
    {
        var answers = Good();
        answers["Q-CTR-1"] = "no";
        answers["Q-CTR-2"] = "full";
        var result = QuestionnaireScorer.Score(Sample(), answers);
        Assert.Equal(QuestionScore.Fail, result.Score);
        Assert.True(result.Blocks);
        Assert.Equal(("no", QuestionScore.Fail, "Run as non-root (GH-CTR-1)."), (result.Items[0].Answer, result.Items[0].Score, result.Items[0].Message));
    }

    [Fact]
    public void A_missing_required_answer_fails_with_a_clear_message()
    {
        var answers = Good();
        answers.Remove("Q-CTR-3");
        var result = QuestionnaireScorer.Score(Sample(), answers);
        Assert.Equal(QuestionScore.Fail, result.Score);
        Assert.Equal((null, QuestionScore.Fail, "required question not answered"), (result.Items[2].Answer, result.Items[2].Score, result.Items[2].Message));
    }

    [Fact]
    public void A_blank_required_answer_counts_as_missing()
    {
        var answers = Good();
        answers["Q-CTR-3"] = "   ";
        Assert.Equal(QuestionScore.Fail, QuestionnaireScorer.Score(Sample(), answers).Items[2].Score);
    }

    [Fact]
    public void A_missing_optional_answer_is_info()
    {
        var answers = Good();
        answers.Remove("Q-CTR-4");
        var result = QuestionnaireScorer.Score(Sample(), answers);
        Assert.Equal(QuestionScore.Info, result.Score);
        Assert.Equal("not answered (optional)", result.Items[3].Message);
    }

    [Fact]
    public void An_answer_that_is_not_an_option_fails_and_lists_the_options()
    {
        var answers = Good();
        answers["Q-CTR-2"] = "alpine-ish";
        var item = QuestionnaireScorer.Score(Sample(), answers).Items[1];
        Assert.Equal(QuestionScore.Fail, item.Score);
        Assert.Equal("'alpine-ish' is not one of the options: minimal, full, eol", item.Message);
    }

    [Fact]
    public void Options_match_case_insensitively_and_are_recorded_canonically()
    {
        var answers = Good();
        answers["Q-CTR-1"] = " Yes ";
        var item = QuestionnaireScorer.Score(Sample(), answers).Items[0];
        Assert.Equal(("yes", QuestionScore.Info), (item.Answer, item.Score));
    }

    [Fact]
    public void An_unknown_question_is_an_error_and_fails_the_result()
    {
        var answers = Good();
        answers["Q-CTR-99"] = "yes";
        var result = QuestionnaireScorer.Score(Sample(), answers);
        Assert.Equal(QuestionScore.Fail, result.Score);
        Assert.Equal("unknown question 'Q-CTR-99': the container questionnaire version 3 has no such item", Assert.Single(result.Errors));
        Assert.All(result.Items, i => Assert.Equal(QuestionScore.Info, i.Score));
    }

    [Fact]
    public void An_overlong_text_answer_fails()
    {
        var answers = Good();
        answers["Q-CTR-3"] = new string('a', QuestionnaireScorer.MaxTextAnswerLength + 1);
        Assert.Equal(QuestionScore.Fail, QuestionnaireScorer.Score(Sample(), answers).Items[2].Score);
    }

    [Fact]
    public void The_embedded_questionnaires_score_a_fail_answer_as_blocking()
    {
        var q = QuestionnaireSet.LoadEmbedded().Get("web-integration");
        var answers = q.Items.ToDictionary(i => i.Id, i => i.Kind == QuestionKind.Text ? "security@example.test" : i.Options.First(o => o.Score == QuestionScore.Info).Value);
        Assert.Equal(QuestionScore.Info, QuestionnaireScorer.Score(q, answers).Score);
        answers["Q-WEB-6"] = "older";
        var result = QuestionnaireScorer.Score(q, answers);
        Assert.True(result.Blocks);
        Assert.Equal("GH-TLS-1", result.Items.Single(i => i.Score == QuestionScore.Fail).Requirement);
    }
}
