using System.Globalization;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Pages.Console.Review;

/// <summary>
/// Shared by the reviewer's pages: how people, times and the SLA clock are shown.
/// </summary>
internal static class ReviewPages
{
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
