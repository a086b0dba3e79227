using System.Security.Claims;

namespace Gatehouse.Server.Identity;

/// <summary>Reading the caller from claims.</summary>
internal static class CurrentUser
{
    public static string Id(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new InvalidOperationException("Endpoint reached without an authenticated user.");
    }

    /// <summary>Admins and reviewers see every organisation.</summary>
    public static bool IsStaff(this ClaimsPrincipal user) =>
        user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Reviewer);

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(Roles.Admin);

    public static IReadOnlyList<string> ScopeClaims(this ClaimsPrincipal user) =>
        user.FindAll(Scopes.ClaimType).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList();
}
