using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Server.Errors;

/// <summary>
/// Why a feature's service refused a request: the status and stable problem <see cref="Code"/> the API answers with
/// (<see cref="ToProblem"/>, byte for byte what <see cref="Problems"/> builds) and the <see cref="Message"/> the console
/// shows. Services return it in an <see cref="Outcome{T}"/>, so the rules live in the service and both the API handler
/// and the console page only translate.
/// </summary>
public sealed record Refusal(int Status, string Code, string Title, string? Detail = null, IReadOnlyDictionary<string, object?>? Extra = null)
{
    /// <summary>What a person reads: the detail, else the title.</summary>
    public string Message => Detail ?? Title;

    public static Refusal NotFound(string what) => new(StatusCodes.Status404NotFound, ProblemCodes.NotFound, $"{what} not found");

    public static Refusal Forbidden(string detail) => new(StatusCodes.Status403Forbidden, ProblemCodes.Forbidden, "Forbidden", detail);

    public static Refusal Invalid(string detail) => new(StatusCodes.Status400BadRequest, ProblemCodes.Validation, "The request is not valid", detail);

    public static Refusal Conflict(string detail) => new(StatusCodes.Status409Conflict, ProblemCodes.Conflict, "Conflict", detail);

    /// <summary>The problem details response the API answers with.</summary>
    public ProblemHttpResult ToProblem() =>
        Problems.Of(Status, Code, Title, Detail, Extra is null ? null : new Dictionary<string, object?>(Extra, StringComparer.Ordinal));

    /// <summary>A problem built elsewhere (the blob upload's size and quota refusals), as a refusal.</summary>
    public static Refusal From(ProblemHttpResult problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var details = problem.ProblemDetails;
        var code = details.Extensions.TryGetValue("code", out var c) && c is string s ? s : ProblemCodes.ForStatus(problem.StatusCode);
        var extra = details.Extensions.Where(e => e.Key != "code").ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        return new(problem.StatusCode, code, details.Title ?? "", details.Detail, extra.Count == 0 ? null : extra);
    }
}
