namespace Gatehouse.Server.Developers;

/// <summary>
/// Vendor organisations: creating them and managing their members (<see cref="OrganizationDirectory"/>). Who may see
/// and act for one is decided by Identity's <c>OrgAccess</c>, which every feature uses.
/// </summary>
internal static class DevelopersSetup
{
    public static IServiceCollection AddGatehouseDevelopers(this IServiceCollection services) =>
        services.AddScoped<OrganizationDirectory>();
}
