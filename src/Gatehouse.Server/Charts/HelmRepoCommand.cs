namespace Gatehouse.Server.Charts;

/// <summary>
/// The commands a tenant admin runs to use the gated Helm chart repository (shown on the customer's page for an installed
/// helm-chart app; docs/helm-repository.md). The user name is the tenant's id, the password a personal access token with
/// <c>read</c> scope.
/// </summary>
internal static class HelmRepoCommand
{
    /// <summary>The repository's URL under the server's public URL.</summary>
    public static string Url(string publicPrefix) => publicPrefix.TrimEnd('/') + ChartRepositoryApi.PathPrefix;

    /// <summary><c>helm repo add</c> for the tenant, then a search of what it lists.</summary>
    public static string For(string publicPrefix, Guid tenantId) =>
        $"helm repo add gatehouse {Url(publicPrefix)} --username {tenantId:D} --password \"$GATEHOUSE_TOKEN\" && helm search repo gatehouse";
}
