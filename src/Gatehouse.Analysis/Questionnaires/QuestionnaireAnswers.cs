using System.Text;
using System.Text.Json;
using Gatehouse.Analysis.Requirements;

namespace Gatehouse.Analysis.Questionnaires;

/// <summary>An answers file that cannot be read: not JSON or YAML, not a flat map, too large, a key twice.</summary>
public sealed class AnswersFormatException : Exception
{
    public AnswersFormatException() { }

    public AnswersFormatException(string message) : base(message) { }

    public AnswersFormatException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// Reads answers files (<c>gatehouse submit --answers FILE</c>): a JSON object or a YAML mapping of
/// <c>questionId: answer</c>. JSON <c>true</c>/<c>false</c> mean yes/no, numbers keep their text, null
/// means unanswered. Bounded to <see cref="MaxBytes"/>.
/// </summary>
public static class QuestionnaireAnswers
{
    /// <summary>Largest answers file accepted.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Most answers in one file.</summary>
    public const int MaxAnswers = 500;

    /// <summary>Reads <paramref name="path"/>, refusing files over <see cref="MaxBytes"/> before reading them.</summary>
    public static IReadOnlyDictionary<string, string> ParseFile(string path)
    {
        if (new FileInfo(path).Length > MaxBytes) throw new AnswersFormatException($"answers file is larger than {MaxBytes} bytes");
        return Parse(File.ReadAllText(path, Encoding.UTF8));
    }

    /// <summary>Reads at most <see cref="MaxBytes"/> from <paramref name="stream"/>; more is an error.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(Stream stream, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[MaxBytes + 1];
        var total = 0;
        int n;
        while (total < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false)) > 0) total += n;
        if (total > MaxBytes) throw new AnswersFormatException($"answers are larger than {MaxBytes} bytes");
        string text;
        try { text = new UTF8Encoding(false, true).GetString(buffer, 0, total); }
        catch (DecoderFallbackException ex) { throw new AnswersFormatException("answers are not UTF-8 text", ex); }
        return Parse(text);
    }

    /// <summary>Parses answers text: JSON when it starts with <c>{</c>, YAML otherwise.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Encoding.UTF8.GetByteCount(text) > MaxBytes) throw new AnswersFormatException($"answers are larger than {MaxBytes} bytes");
        text = text.TrimStart('\uFEFF');
        return text.TrimStart().StartsWith('{') ? ParseJson(text) : ParseYaml(text);
    }

    private static Dictionary<string, string> ParseJson(string text)
    {
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var doc = Pipeline.StrictJson.Parse(text, new JsonDocumentOptions { MaxDepth = 4 });
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                string? value = p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString(),
                    JsonValueKind.True => "yes",
                    JsonValueKind.False => "no",
                    JsonValueKind.Number => p.Value.GetRawText(),
                    JsonValueKind.Null => null,
                    _ => throw new AnswersFormatException($"answer to '{p.Name}' must be a string, true/false or a number"),
                };
                Add(answers, p.Name, value);
            }
        }
        catch (JsonException ex)
        {
            throw new AnswersFormatException($"answers are not valid JSON: {ex.Message}", ex);
        }
        return answers;
    }

    private static Dictionary<string, string> ParseYaml(string text)
    {
        YamlValue? root;
        try { root = SafeYaml.Parse(text, MaxBytes); }
        catch (YamlDataException ex) { throw new AnswersFormatException($"answers: {ex.Message} (line {ex.Line})", ex); }
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root is null) return answers;
        if (root is not YamlMapping map) throw new AnswersFormatException("answers must be a mapping of question ID to answer (Q-WEB-1: yes)");
        foreach (var (key, value) in map.Entries)
        {
            if (value is not YamlScalar s) throw new AnswersFormatException($"answer to '{key}' must be a single value (line {value.Line})");
            Add(answers, key, s.Text.Length == 0 || s.Text == "~" || s.Text == "null" ? null : s.Text);
        }
        return answers;
    }

    private static void Add(Dictionary<string, string> answers, string key, string? value)
    {
        if (answers.Count >= MaxAnswers) throw new AnswersFormatException($"more than {MaxAnswers} answers");
        if (key.Length is 0 or > 64) throw new AnswersFormatException("question IDs are 1 to 64 characters");
        if (!answers.TryAdd(key, value ?? "")) throw new AnswersFormatException($"question '{key}' is answered twice");
    }
}
