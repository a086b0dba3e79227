namespace Gatehouse.Server.OAuth;

/// <summary>
/// The small scope vocabulary of the platform API, with the plain words the consent page shows.
/// A client may be granted only these (and <c>offline_access</c> for refresh tokens).
/// </summary>
internal static class OAuthScopes
{
    public const string ProjectsRead = "projects.read";
    public const string ProjectsWrite = "projects.write";
    public const string IssuesRead = "issues.read";
    public const string IssuesWrite = "issues.write";
    public const string OfflineAccess = OpenIddict.Abstractions.OpenIddictConstants.Scopes.OfflineAccess;

    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ProjectsRead] = "See your tenant's projects",
        [ProjectsWrite] = "Create and change your tenant's projects",
        [IssuesRead] = "See the issues in your tenant's projects",
        [IssuesWrite] = "Create, change and close issues in your tenant's projects",
        [OfflineAccess] = "Keep access while you are not signed in (refresh tokens)",
    };

    public static IReadOnlyList<string> All => [.. Descriptions.Keys];
}

/// <summary>Audit actions of the OAuth feature.</summary>
internal static class OAuthAuditActions
{
    public const string AppInstalled = "oauth.app-installed";
    public const string AppUninstalled = "oauth.app-uninstalled";
    public const string KillSwitch = "oauth.kill-switch";
    /// <summary>Staff lifted an app's access suspension (kill switch, quarantine or suspension of a version), with a reason.</summary>
    public const string AccessRestored = "oauth.access-restored";
    public const string ClientCreated = "oauth.client-created";
    public const string ClientUpdated = "oauth.client-updated";
    public const string ClientSecretRotated = "oauth.client-secret-rotated";
    public const string LifecycleWebhookSet = "oauth.lifecycle-webhook-set";
}
