namespace Gatehouse.Server.Listing;

/// <summary>The listing policy (versioned, from <c>Listing:PolicyFile</c> or built in) and the requirement snapshots.</summary>
internal static class ListingSetup
{
    public static IServiceCollection AddGatehouseListing(this IServiceCollection services)
    {
        services.AddOptions<ListingOptions>().BindConfiguration(ListingOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<ListingPolicies>();
        services.AddScoped<RequirementSnapshots>();
        return services;
    }
}
