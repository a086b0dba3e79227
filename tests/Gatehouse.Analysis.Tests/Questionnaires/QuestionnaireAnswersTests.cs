using System.Text;
using Gatehouse.Analysis.Questionnaires;

namespace Gatehouse.Analysis.Tests.Questionnaires;

public sealed class QuestionnaireAnswersTests
{
    [Fact]
    public void A_yaml_map_is_read_as_text()
    {
        var answers = QuestionnaireAnswers.Parse("Q-WEB-1: yes\nQ-WEB-6: tls1.2\nQ-WEB-12: \"security@example.test\"\n");
        Assert.Equal("yes", answers["Q-WEB-1"]);
        Assert.Equal("tls1.2", answers["Q-WEB-6"]);
        Assert.Equal("security@example.test", answers["Q-WEB-12"]);
    }

    [Fact]
    public void A_json_object_is_read_with_booleans_as_yes_and_no()
    {
        var answers = QuestionnaireAnswers.Parse("""{"Q-WEB-1": true, "Q-WEB-7": false, "Q-WEB-6": "tls1.3", "Q-WEB-9": null}""");
        Assert.Equal(("yes", "no", "tls1.3", ""), (answers["Q-WEB-1"], answers["Q-WEB-7"], answers["Q-WEB-6"], answers["Q-WEB-9"]));
    }

    [Theory]
    [InlineData("- yes\n- no\n", "must be a mapping")]
    [InlineData("Q-WEB-1: [yes]\n", "must be a single value")]
    [InlineData("Q-WEB-1: yes\nQ-WEB-1: no\n", "duplicate key 'Q-WEB-1'")]
    [InlineData("""{"Q-WEB-1": "yes", "Q-WEB-1": "no"}""", "answered twice")]
    [InlineData("""{"Q-WEB-1": ["yes"]}""", "must be a string")]
    [InlineData("""{"Q-WEB-1": """, "not valid JSON")]
    [InlineData("a: &x yes\nb: *x\n", "not allowed")]
    public void Malformed_answers_are_refused_clearly(string text, string expected)
    {
        var ex = Assert.Throws<AnswersFormatException>(() => QuestionnaireAnswers.Parse(text));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_answers_are_refused()
    {
        var text = "Q-WEB-12: " + new string('a', QuestionnaireAnswers.MaxBytes) + "\n";
        Assert.Throws<AnswersFormatException>(() => QuestionnaireAnswers.Parse(text));
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        await Assert.ThrowsAsync<AnswersFormatException>(() => QuestionnaireAnswers.ReadAsync(stream));
    }

    [Fact]
    public async Task A_stream_is_read_like_text()
    {
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes("Q-DL-1: yes\n"));
        Assert.Equal("yes", (await QuestionnaireAnswers.ReadAsync(stream))["Q-DL-1"]);
    }

    [Fact]
    public void An_empty_file_has_no_answers()
    {
        Assert.Empty(QuestionnaireAnswers.Parse(""));
    }
}
