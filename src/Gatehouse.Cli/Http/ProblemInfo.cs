using System.Text.Json;

namespace Gatehouse.Cli.Http;

/// <summary>
/// The parts of an RFC 9457 problem-details body the CLI shows; the server adds a stable <c>code</c> member.
/// </summary>
/// <param name="Code">Stable error ID, such as <c>auth.invalid-token</c>.</param>
/// <param name="Title">Short summary (RFC 9457 §3.1.4).</param>
/// <param name="Detail">Explanation of this occurrence (RFC 9457 §3.1.5).</param>
internal sealed record ProblemInfo(string? Code, string? Title, string? Detail)
{
    /// <summary>
    /// The <c>guards</c> extension of <c>lifecycle.guard-failed</c>: each lifecycle guard that did not hold,
    /// as <c>{code, message}</c>. Empty when the body has none.
    /// </summary>
    public IReadOnlyList<GuardInfo> Guards { get; init; } = [];

    /// <summary>Reads a problem-details body; null when the body is not a JSON object.</summary>
    public static ProblemInfo? TryParse(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            var problem = new ProblemInfo(Str(doc.RootElement, "code"), Str(doc.RootElement, "title"), Str(doc.RootElement, "detail"))
            {
                Guards = GuardsOf(doc.RootElement),
            };
            return problem is { Code: null, Title: null, Detail: null } ? null : problem;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<GuardInfo> GuardsOf(JsonElement obj)
    {
        if (!obj.TryGetProperty("guards", out var guards) || guards.ValueKind != JsonValueKind.Array) return [];
        return guards.EnumerateArray()
            .Where(g => g.ValueKind == JsonValueKind.Object)
            .Select(g => new GuardInfo(Str(g, "code") ?? "(no code)", Str(g, "message") ?? ""))
            .ToList();
    }

    private static string? Str(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
}

/// <summary>A lifecycle guard that did not hold (or still stands between a draft and its submission).</summary>
/// <param name="Code">Stable code, such as <c>questionnaire.fail</c>.</param>
/// <param name="Message">What to do about it.</param>
internal sealed record GuardInfo(string Code, string Message);
