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

    public static ProblemHttpResult NotFound(string what) =>
        Of(StatusCodes.Status404NotFound, ProblemCodes.NotFound, $"{what} not found");

    public static ProblemHttpResult Forbidden(string detail) =>
        Of(StatusCodes.Status403Forbidden, ProblemCodes.Forbidden, "Forbidden", detail);

    public static ProblemHttpResult Invalid(string detail) =>
        Of(StatusCodes.Status400BadRequest, ProblemCodes.Validation, "The request is not valid", detail);

    public static ProblemHttpResult Conflict(string detail) =>
        Of(StatusCodes.Status409Conflict, ProblemCodes.Conflict, "Conflict", detail);
}
