namespace Gatehouse.Server.Platform;

/// <summary>Scopes of the platform API, shared by API keys and (later) OAuth access tokens.</summary>
internal static class PlatformScopes
{
    public const string ProjectsRead = "projects.read";
    public const string ProjectsWrite = "projects.write";
    public const string IssuesRead = "issues.read";
    public const string IssuesWrite = "issues.write";

    public static readonly IReadOnlyList<string> All = [ProjectsRead, ProjectsWrite, IssuesRead, IssuesWrite];
}
