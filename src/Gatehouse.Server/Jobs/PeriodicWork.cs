using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Jobs;

/// <summary>A feature's <see cref="IPeriodicWork"/>: a work kind and its interval, read from the feature's options.</summary>
internal sealed record PeriodicWork(string Kind, TimeSpan Every) : IPeriodicWork
{
    /// <summary>Registers periodic work of <paramref name="kind"/> every <paramref name="every"/> of the feature's <typeparamref name="TOptions"/>.</summary>
    public static void Register<TOptions>(IServiceCollection services, string kind, Func<TOptions, TimeSpan> every) where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(every);
        services.AddScoped<IPeriodicWork>(sp => new PeriodicWork(kind, every(sp.GetRequiredService<IOptions<TOptions>>().Value)));
    }
}
