using System.Text.Json.Serialization;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Data.Scratch;
using Gatehouse.Server.Demo;
using Gatehouse.Server.Health;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Jobs;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server;

/// <summary>Settings read once at start-up to decide what to register.</summary>
internal sealed record StartupSettings(GatehouseOptions Gatehouse, DatabaseOptions Database, JobsOptions Jobs, string DataDirectory);

/// <summary>Where start-up messages for the operator go (bootstrap credentials): standard output.</summary>
internal sealed record StartupConsole(TextWriter Out);

/// <summary>The pieces <c>Program.cs</c> lists, kept out of it so that it stays a table of contents.</summary>
internal static class HostSetup
{
    /// <summary>
    /// The README's environment variables are shortcuts for configuration keys:
    /// <c>GATEHOUSE_URLS</c> → urls, <c>GATEHOUSE_DATA</c> → Gatehouse:DataDirectory,
    /// <c>GATEHOUSE_ADMIN_PASSWORD</c> → Gatehouse:BootstrapAdminPassword.
    /// </summary>
    public static StartupSettings AddGatehouseConfiguration(this WebApplicationBuilder builder)
    {
        var shortcuts = new Dictionary<string, string?>();
        void Map(string env, string key)
        {
            var v = Environment.GetEnvironmentVariable(env);
            if (!string.IsNullOrEmpty(v) && string.IsNullOrEmpty(builder.Configuration[key])) shortcuts[key] = v;
        }
        Map("GATEHOUSE_DATA", "Gatehouse:DataDirectory");
        Map("GATEHOUSE_ADMIN_PASSWORD", "Gatehouse:BootstrapAdminPassword");
        Map("GATEHOUSE_URLS", "urls");
        if (shortcuts.Count > 0) builder.Configuration.AddInMemoryCollection(shortcuts);

        var services = builder.Services;
        services.AddOptions<GatehouseOptions>().BindConfiguration(GatehouseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<JobsOptions>, JobsOptionsValidator>();

        var gatehouse = builder.Configuration.GetSection(GatehouseOptions.Section).Get<GatehouseOptions>() ?? new();
        var database = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new();
        var jobs = builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new();
        // Gatehouse:PublicUrl, validated now; forwarded headers only from Gatehouse:KnownProxies/KnownNetworks.
        builder.AddGatehousePublicUrl(gatehouse);
        var data = Path.GetFullPath(gatehouse.DataDirectory, builder.Environment.ContentRootPath);
        if (!Directory.Exists(data)) Directory.CreateDirectory(data);
        return new StartupSettings(gatehouse, database, jobs, data);
    }

    /// <summary>
    /// What every feature relies on: time, the start-up console, JSON enums as strings, data protection and the
    /// server's keys. Each feature registers itself in its own <c>XxxSetup</c> (listed in <c>Program.cs</c>).
    /// </summary>
    public static IServiceCollection AddGatehouseCore(this IServiceCollection services, IConfiguration configuration, StartupSettings s)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new StartupConsole(System.Console.Out));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        // The key ring lives in the database, so every web and worker instance unprotects what another protected
        // (issue 21, docs/scale-out.md); keys of the files used before are imported once (DataProtectionKeyImport).
        services.AddDataProtection()
            .SetApplicationName("gatehouse")
            .PersistKeysToDbContext<GatehouseDb>();
        services.AddSingleton(s);
        services.AddSingleton(new ServerKeys(configuration, s.DataDirectory));
        // {DataDirectory}/scratch: private working folders of scans (docs/storage.md#scratch-space).
        services.AddSingleton(sp => new ScratchSpace(s.DataDirectory, sp.GetRequiredService<ILogger<ScratchSpace>>()));
        services.AddHttpContextAccessor();

        return services;
    }

    /// <summary>Before serving and before any worker runs: migrate, first-run admin, demo data, sweep what dead processes left.</summary>
    public static async Task PrepareAsync(this WebApplication app)
    {
        var console = app.Services.GetRequiredService<StartupConsole>().Out;
        var ct = app.Lifetime.ApplicationStopping;
        await app.Services.MigrateGatehouseDatabaseAsync(ct);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var imported = await DataProtectionKeyImport.ImportFileKeysAsync(scope.ServiceProvider.GetRequiredService<GatehouseDb>(),
                app.Services.GetRequiredService<StartupSettings>().DataDirectory, ct);
            if (imported > 0) await console.WriteLineAsync($"Data protection: {imported} key(s) imported from the data folder into the database.");
        }
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<Listing.ListingPolicies>()
                .LoadAtStartAsync(app.Services.GetRequiredService<IOptions<Listing.ListingOptions>>().Value.PolicyFile, ct);
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<Listing.RequirementSnapshots>()
                .SyncAsync(Gatehouse.Analysis.Requirements.RequirementCatalog.LoadEmbedded(), ct);
        await app.Services.EnsureBootstrapAsync(console, ct);
        if (app.Services.GetRequiredService<IOptions<GatehouseOptions>>().Value.Demo)
            await app.Services.SeedDemoAsync(console, ct);
        var time = app.Services.GetRequiredService<TimeProvider>();
        // Spool files and scratch folders of processes that died (their owner lock is free) go at once; a live
        // process's (another worker on this data folder) are kept; those of unknown owners only by age.
        app.Services.CleanStaleBlobTemporaryFiles(TimeSpan.FromHours(1), time.GetUtcNow());
        app.Services.GetRequiredService<ScratchSpace>().Sweep(time.GetUtcNow());
    }
}
