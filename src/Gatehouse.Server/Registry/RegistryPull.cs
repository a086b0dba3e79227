namespace Gatehouse.Server.Registry;

/// <summary>
/// The commands a tenant admin runs to pull an installed container version from the gated registry (shown on the
/// customer's page and in docs/registry.md). The user name is the tenant's id, the password a personal access token with
/// <c>read</c> scope.
/// </summary>
public static class RegistryPull
{
    /// <summary>What to pull and how; null when distribution is off.</summary>
    public static RegistryPullCommands? For(RegistryOptions options, string appSlug, string version, Guid tenantId)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PullHost is not { } host) return null;
        var image = $"{host}/{RegistryNames.Repository(options, appSlug)}:{RegistryNames.Tag(version)}";
        var user = tenantId.ToString("D");
        return new RegistryPullCommands(image, user,
            $"docker login {host} --username {user} --password-stdin <<< \"$GATEHOUSE_TOKEN\" && docker pull {image}",
            $"skopeo copy --src-creds \"{user}:$GATEHOUSE_TOKEN\" docker://{image} oci:{appSlug}-{RegistryNames.Tag(version)}:{RegistryNames.Tag(version)}");
    }
}

/// <summary>An image reference and the commands that pull it.</summary>
/// <param name="Image"><c>host/apps/slug:tag</c>.</param>
/// <param name="UserName">The registry user name: the tenant's id.</param>
/// <param name="Docker">docker login and pull.</param>
/// <param name="Skopeo">skopeo copy into an OCI layout.</param>
public sealed record RegistryPullCommands(string Image, string UserName, string Docker, string Skopeo);
