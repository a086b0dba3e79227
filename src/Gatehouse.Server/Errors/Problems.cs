using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Server.Errors;

/// <summary>Builds problem details results with a stable <c>code</c>.</summary>
internal static class Problems
{
    public static ProblemHttpResult Of(int status, string code, string title, string? detail = null,
        IDictionary<string, object?>? extra = null)
    {
        var ext = new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = code };
        if (extra is not null)
            foreach (var (k, v) in extra) ext[k] = v;
        return TypedResults.Problem(detail: detail, statusCode: status, title: title, type: ProblemCodes.TypeFor(code), extensions: ext);
    }

    // The common refusals are defined once, in Refusal (services return them; handlers translate).
    public static ProblemHttpResult NotFound(string what) => Refusal.NotFound(what).ToProblem();

    public static ProblemHttpResult Forbidden(string detail) => Refusal.Forbidden(detail).ToProblem();

    public static ProblemHttpResult Invalid(string detail) => Refusal.Invalid(detail).ToProblem();

    public static ProblemHttpResult Conflict(string detail) => Refusal.Conflict(detail).ToProblem();
}
