namespace Gatehouse.Server.Identity;

/// <summary>
/// Scopes of personal access tokens. A cookie session holds every scope its roles allow;
/// a token holds only what it was issued with, and never more than its owner's roles allow.
/// </summary>
internal static class Scopes
{
    /// <summary>Read what the caller may see.</summary>
    public const string Read = "read";
    /// <summary>Create and change what the caller owns (organisations, submissions, tokens).</summary>
    public const string Write = "write";
    /// <summary>Administrative and review actions (users, roles, audit log); needs the admin or reviewer role.</summary>
    public const string Admin = "admin";

    public const string ClaimType = "scope";

    public static readonly IReadOnlyList<string> All = [Read, Write, Admin];

    /// <summary>The scopes that a user with <paramref name="roles"/> may hold.</summary>
    public static IReadOnlyList<string> AllowedFor(IEnumerable<string> roles)
    {
        var set = roles.ToHashSet(StringComparer.Ordinal);
        return set.Contains(Identity.Roles.Admin) || set.Contains(Identity.Roles.Reviewer)
            ? All
            : [Read, Write];
    }
}
