using System.Globalization;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Pages.Console.Review;

/// <summary>
/// Shared by the reviewer's pages: they call the JSON API's handlers (the same rules, audit and notifications)
/// and read the typed result here; plus how people, times and the SLA clock are shown.
/// </summary>
internal static class ReviewPages
{
    /// <summary>The inner result of a <c>Results&lt;…&gt;</c> union.</summary>
    public static IResult Inner(IResult result) => result is INestedHttpResult nested ? Inner(nested.Result) : result;

    public static ProblemHttpResult? Problem(IResult result) => Inner(result) as ProblemHttpResult;

    public static string Message(ProblemHttpResult problem) =>
        problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? "the request was refused";

    /// <summary>The problem's stable code (<c>lifecycle.guard-failed</c>, <c>conflict-of-interest</c>, …).</summary>
    public static string? Code(ProblemHttpResult problem) =>
        problem.ProblemDetails.Extensions.TryGetValue("code", out var c) ? c as string : null;

    /// <summary>Every failed guard of a <c>lifecycle.guard-failed</c> problem.</summary>
    public static IReadOnlyList<GuardFailure> Guards(ProblemHttpResult problem) =>
        problem.ProblemDetails.Extensions.TryGetValue("guards", out var g) && g is IEnumerable<GuardFailure> list ? [.. list] : [];

    /// <summary>E-mail addresses of users by id (unknown ids, e.g. <c>system</c>, are left out).</summary>
    public static async Task<Dictionary<string, string>> EmailsAsync(GatehouseDb db, IEnumerable<string?> ids, CancellationToken ct)
    {
        var wanted = ids.OfType<string>().Distinct().ToList();
        if (wanted.Count == 0) return [];
        return await db.Users.AsNoTracking().Where(u => wanted.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => u.Email ?? u.UserName ?? u.Id, ct);
    }

    public static string Who(IReadOnlyDictionary<string, string> emails, string? id) =>
        id is null ? "" : emails.TryGetValue(id, out var e) ? e : id;

    public static string When(DateTimeOffset? at) =>
        at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "";

    public static string Day(DateTimeOffset? at) =>
        at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";

    /// <summary>The SLA clock in words (never colour alone): hours left, or how long overdue.</summary>
    public static string Sla(double? hoursLeft) => hoursLeft switch
    {
        null => "no SLA",
        < 0 => $"overdue by {(-hoursLeft.Value).ToString("0.#", CultureInfo.InvariantCulture)} h",
        _ => $"{hoursLeft.Value.ToString("0.#", CultureInfo.InvariantCulture)} h left",
    };

    public static double? HoursLeft(DateTimeOffset? due, DateTimeOffset now) =>
        due is { } d ? Math.Round((d - now).TotalHours, 1) : null;

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{(bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture)} KiB",
        _ => $"{(bytes / 1024.0 / 1024.0).ToString("0.#", CultureInfo.InvariantCulture)} MiB",
    };
}
