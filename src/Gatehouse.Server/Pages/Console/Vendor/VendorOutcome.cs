using Gatehouse.Server.Apps;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Server.Pages.Console.Vendor;

/// <summary>
/// The vendor pages call the JSON API's handlers (the same rules, audit and notifications) and read their
/// typed results here: the value on success, or the problem's message and failed guards.
/// </summary>
internal static class VendorOutcome
{
    /// <summary>The inner result of a <c>Results&lt;…&gt;</c> union.</summary>
    public static IResult Inner(IResult result) => result is INestedHttpResult nested ? Inner(nested.Result) : result;

    public static ProblemHttpResult? Problem(IResult result) => Inner(result) as ProblemHttpResult;

    /// <summary>The value of an Ok or Created result.</summary>
    public static T? Value<T>(IResult result) where T : class => Inner(result) is IValueHttpResult { Value: T v } ? v : null;

    public static bool IsNotFound(IResult result) => Problem(result) is { StatusCode: StatusCodes.Status404NotFound };

    public static string Message(ProblemHttpResult problem) =>
        problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? "the request was refused";

    /// <summary>Every failed guard of a <c>lifecycle.guard-failed</c> problem.</summary>
    public static IReadOnlyList<GuardFailure> Guards(ProblemHttpResult problem) =>
        problem.ProblemDetails.Extensions.TryGetValue("guards", out var g) && g is IEnumerable<GuardFailure> list ? [.. list] : [];
}
