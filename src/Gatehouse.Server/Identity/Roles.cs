namespace Gatehouse.Server.Identity;

/// <summary>The three roles. Staff (admin, reviewer) see every organisation; developers see their own.</summary>
internal static class Roles
{
    public const string Admin = "admin";
    public const string Reviewer = "reviewer";
    public const string Developer = "developer";

    public static readonly IReadOnlyList<string> All = [Admin, Reviewer, Developer];
}
