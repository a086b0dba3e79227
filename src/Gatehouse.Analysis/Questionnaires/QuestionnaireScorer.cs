namespace Gatehouse.Analysis.Questionnaires;

/// <summary>The score of one answer.</summary>
/// <param name="Id">Question ID.</param>
/// <param name="Answer">The answer as recorded (an option's canonical value, or the text); null when not answered.</param>
/// <param name="Score">info, warn or fail.</param>
/// <param name="Requirement">The requirement the question verifies.</param>
/// <param name="Message">Why it scored as it did.</param>
public sealed record QuestionnaireItemResult(string Id, string? Answer, QuestionScore Score, string Requirement, string Message);

/// <summary>A scored questionnaire. <see cref="Score"/> is the worst item score, and fail whenever <see cref="Errors"/> is not empty.</summary>
/// <param name="AppType">The questionnaire's app type.</param>
/// <param name="QuestionnaireVersion">The questionnaire version the answers were scored against.</param>
/// <param name="QuestionnaireDigest">Its digest (<see cref="Questionnaire.Digest"/>).</param>
/// <param name="Score">Overall: any fail (or error) is fail, else any warn is warn, else info.</param>
/// <param name="Items">One result per question, in questionnaire order.</param>
/// <param name="Errors">Answers to questions the questionnaire does not have.</param>
public sealed record QuestionnaireResult(
    string AppType, int QuestionnaireVersion, string QuestionnaireDigest, QuestionScore Score,
    IReadOnlyList<QuestionnaireItemResult> Items, IReadOnlyList<string> Errors)
{
    /// <summary>True when the result blocks a submission (<see cref="QuestionScore.Fail"/>).</summary>
    public bool Blocks => Score == QuestionScore.Fail;
}

/// <summary>Scores answers against a questionnaire: pure, no I/O, the same on the server and in the CLI.</summary>
public static class QuestionnaireScorer
{
    /// <summary>Longest text answer accepted.</summary>
    public const int MaxTextAnswerLength = 2000;

    /// <summary>
    /// Scores <paramref name="answers"/> (question ID to answer). A required question without an answer
    /// fails; an answer that is not one of the options fails; an answer to a question the questionnaire
    /// does not have is an error, and errors fail the whole result. Option values match case-insensitively
    /// and are recorded in their canonical form.
    /// </summary>
    public static QuestionnaireResult Score(Questionnaire questionnaire, IReadOnlyDictionary<string, string> answers)
    {
        ArgumentNullException.ThrowIfNull(questionnaire);
        ArgumentNullException.ThrowIfNull(answers);
        var items = questionnaire.Items.Select(item => ScoreItem(item, answers.GetValueOrDefault(item.Id))).ToList();
        var errors = answers.Keys
            .Where(id => questionnaire.Find(id) is null)
            .Order(StringComparer.Ordinal)
            .Select(id => $"unknown question '{id}': the {questionnaire.AppType} questionnaire version {questionnaire.Version} has no such item")
            .ToList();
        var score = errors.Count > 0 ? QuestionScore.Fail : items.Select(i => i.Score).DefaultIfEmpty(QuestionScore.Info).Max();
        return new QuestionnaireResult(questionnaire.AppType, questionnaire.Version, questionnaire.Digest, score, items, errors);
    }

    private static QuestionnaireItemResult ScoreItem(QuestionnaireItem item, string? raw)
    {
        var answer = raw?.Trim();
        if (string.IsNullOrEmpty(answer))
            return item.Required
                ? Result(item, null, QuestionScore.Fail, "required question not answered")
                : Result(item, null, QuestionScore.Info, "not answered (optional)");
        if (item.Kind == QuestionKind.Text)
            return answer.Length > MaxTextAnswerLength
                ? Result(item, answer[..MaxTextAnswerLength], QuestionScore.Fail, $"answer is longer than {MaxTextAnswerLength} characters")
                : Result(item, answer, QuestionScore.Info, "answered");
        var option = item.Options.FirstOrDefault(o => string.Equals(o.Value, answer, StringComparison.OrdinalIgnoreCase));
        if (option is null)
        {
            var shown = answer.Length > 64 ? answer[..64] + "…" : answer;
            return Result(item, shown, QuestionScore.Fail, $"'{shown}' is not one of the options: {string.Join(", ", item.Options.Select(o => o.Value))}");
        }
        return Result(item, option.Value, option.Score, option.Message ?? "ok");
    }

    private static QuestionnaireItemResult Result(QuestionnaireItem item, string? answer, QuestionScore score, string message) =>
        new(item.Id, answer, score, item.Requirement, message);
}
