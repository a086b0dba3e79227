using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Analysis.Questionnaires;

/// <summary>
/// The security questionnaire for one app type (<c>rules/questionnaires/&lt;app-type&gt;.yaml</c>).
/// Answers are scored by <see cref="QuestionnaireScorer"/>; results record <see cref="Version"/>.
/// </summary>
/// <param name="AppType">The app type it is for (<see cref="Requirements.AppTypes"/>).</param>
/// <param name="Version">Bumped whenever a question, option or score changes.</param>
/// <param name="Title">Heading.</param>
/// <param name="Items">The questions, in the order they are asked.</param>
public sealed record Questionnaire(string AppType, int Version, string Title, IReadOnlyList<QuestionnaireItem> Items)
{
    /// <summary>The item with <paramref name="id"/>, or null.</summary>
    public QuestionnaireItem? Find(string id) => Items.FirstOrDefault(i => string.Equals(i.Id, id, StringComparison.Ordinal));

    /// <summary><c>sha256:</c> over the questionnaire as compact JSON: identifies exactly what was asked.</summary>
    public string Digest => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new { AppType, Version, Title, Items }, CanonicalOptions)));

    private static readonly JsonSerializerOptions CanonicalOptions = new(JsonSerializerDefaults.Web) { WriteIndented = false };
}

/// <summary>One question.</summary>
/// <param name="Id">Stable ID, <c>Q-&lt;AREA&gt;-&lt;n&gt;</c>.</param>
/// <param name="Text">The question as shown.</param>
/// <param name="Requirement">The catalogue requirement it verifies (<c>GH-…</c>).</param>
/// <param name="Kind">yes-no, choice or text.</param>
/// <param name="Required">A missing answer fails the questionnaire.</param>
/// <param name="Options">The allowed answers with their scores (none for text).</param>
public sealed record QuestionnaireItem(string Id, string Text, string Requirement, QuestionKind Kind, bool Required, IReadOnlyList<QuestionOption> Options);

/// <summary>An allowed answer.</summary>
/// <param name="Value">What the answers file says (<c>yes</c>, <c>tls1.2</c>).</param>
/// <param name="Label">Longer text shown for a choice; null for yes/no.</param>
/// <param name="Score">What this answer scores.</param>
/// <param name="Message">Why it scores warn or fail, and what to do.</param>
public sealed record QuestionOption(string Value, string? Label, QuestionScore Score, string? Message);

/// <summary>How a question is answered.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<QuestionKind>))]
public enum QuestionKind
{
    [JsonStringEnumMemberName("yes-no")] YesNo,
    [JsonStringEnumMemberName("choice")] Choice,
    [JsonStringEnumMemberName("text")] Text,
}

/// <summary>The score of an answer or a whole questionnaire, in increasing order of severity; <see cref="Fail"/> blocks.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<QuestionScore>))]
public enum QuestionScore
{
    [JsonStringEnumMemberName("info")] Info,
    [JsonStringEnumMemberName("warn")] Warn,
    [JsonStringEnumMemberName("fail")] Fail,
}

/// <summary>Names of <see cref="QuestionKind"/> and <see cref="QuestionScore"/> as written in the data files.</summary>
public static class QuestionNames
{
    public static string Of(QuestionKind kind) => kind switch
    {
        QuestionKind.YesNo => "yes-no",
        QuestionKind.Choice => "choice",
        _ => "text",
    };

    public static string Of(QuestionScore score) => score switch
    {
        QuestionScore.Info => "info",
        QuestionScore.Warn => "warn",
        _ => "fail",
    };
}
