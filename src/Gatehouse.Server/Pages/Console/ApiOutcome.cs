using Gatehouse.Server.Apps;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Server.Pages.Console;

/// <summary>
/// Console pages call the JSON API's handlers (the same rules, audit and notifications) and read their typed
/// results here: the value on success, or the problem's message, code and failed guards.
/// </summary>
internal static class ApiOutcome
{
    /// <summary>The inner result of a <c>Results&lt;…&gt;</c> union.</summary>
    public static IResult Inner(IResult result) => result is INestedHttpResult nested ? Inner(nested.Result) : result;

    public static ProblemHttpResult? Problem(IResult result) => Inner(result) as ProblemHttpResult;

    /// <summary>The value of an Ok or Created result.</summary>
    public static T? Value<T>(IResult result) where T : class => Inner(result) is IValueHttpResult { Value: T v } ? v : null;

    public static bool IsNotFound(IResult result) => Problem(result) is { StatusCode: StatusCodes.Status404NotFound };

    public static string Message(ProblemHttpResult problem) =>
        problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? "the request was refused";

    /// <summary>The problem's message when <paramref name="result"/> is a problem, else null.</summary>
    public static string? MessageOf(IResult result) => Problem(result) is { } p ? Message(p) : null;

    /// <summary>The problem's stable code (<c>lifecycle.guard-failed</c>, <c>conflict-of-interest</c>, …).</summary>
    public static string? Code(ProblemHttpResult problem) =>
        problem.ProblemDetails.Extensions.TryGetValue("code", out var c) ? c as string : null;

    /// <summary>Every failed guard of a <c>lifecycle.guard-failed</c> problem.</summary>
    public static IReadOnlyList<GuardFailure> Guards(ProblemHttpResult problem) =>
        problem.ProblemDetails.Extensions.TryGetValue("guards", out var g) && g is IEnumerable<GuardFailure> list ? [.. list] : [];
}
