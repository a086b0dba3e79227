using Gatehouse.Server.Jobs;

namespace Gatehouse.Server.Registry;

/// <summary>The gated registry: settings in section <c>Registry</c>, the token key, the token service, publishing work (docs/registry.md).</summary>
internal static class RegistrySetup
{
    public static IServiceCollection AddGatehouseRegistry(this IServiceCollection services, string dataDirectory)
    {
        services.AddOptions<RegistryOptions>().BindConfiguration(RegistryOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new RegistrySigner(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<RegistryOptions>>(), sp.GetRequiredService<TimeProvider>(), dataDirectory));
        services.AddSingleton<RegistryHttp>();
        services.AddSingleton<RegistryMetrics>();
        services.AddSingleton<RegistryGrantWindow>();
        services.AddScoped<RegistryTokenService>();
        services.AddScoped<RegistryPublisher>();
        services.AddScoped<Apps.IVersionTransitionObserver, RegistryDistribution>();
        services.AddScoped<IWorkHandler, RegistryPublishHandler>();
        services.AddScoped<IWorkHandler, RegistryUnpublishHandler>();
        return services;
    }
}
