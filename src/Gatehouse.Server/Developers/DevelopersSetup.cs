namespace Gatehouse.Server.Developers;

/// <summary>Vendor organisations: who may see and act for one (<see cref="OrgAccess"/>).</summary>
internal static class DevelopersSetup
{
    public static IServiceCollection AddGatehouseDevelopers(this IServiceCollection services) =>
        services.AddScoped<OrgAccess>().AddScoped<OrganizationDirectory>();
}
