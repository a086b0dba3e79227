using System.Text.Json.Serialization;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Demo;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Health;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Jobs;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server;

/// <summary>Settings read once at start-up to decide what to register.</summary>
internal sealed record StartupSettings(GatehouseOptions Gatehouse, DatabaseOptions Database, JobsOptions Jobs, string DataDirectory);

/// <summary>Where start-up messages for the operator go (bootstrap credentials): standard output.</summary>
public sealed record StartupConsole(TextWriter Out);

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
        services.AddOptions<GatehouseOptions>().BindConfiguration(GatehouseOptions.Section).ValidateDataAnnotations()
            .Validate(o => !o.UnknownRoles().Any(), "Gatehouse:Roles may contain only 'web' and 'worker'")
            .Validate(o => o.IsWeb || o.IsWorker, "Gatehouse:Roles must name web, worker or both")
            .ValidateOnStart();
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .Validate(o => o.Provider != DatabaseProvider.Postgres || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Database:ConnectionString is required when Database:Provider is Postgres")
            .ValidateOnStart();
        services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.Section)
            .Validate(o => o.ReconcileInterval > TimeSpan.Zero && o.Lease > TimeSpan.Zero, "Jobs intervals must be positive")
            .ValidateOnStart();

        var gatehouse = builder.Configuration.GetSection(GatehouseOptions.Section).Get<GatehouseOptions>() ?? new();
        var database = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new();
        var jobs = builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new();
        // Gatehouse:PublicUrl, validated now; forwarded headers only from Gatehouse:KnownProxies/KnownNetworks.
        builder.AddGatehousePublicUrl(gatehouse);
        var data = Path.GetFullPath(gatehouse.DataDirectory, builder.Environment.ContentRootPath);
        if (!Directory.Exists(data)) Directory.CreateDirectory(data);
        services.PostConfigure<BlobStoreOptions>(o => o.Path ??= Path.Combine(data, "blobs"));
        services.AddOptions<Scanning.ScanningOptions>().BindConfiguration(Scanning.ScanningOptions.Section)
            .Validate(o => o.MaxUploadBytes > 0, "Scanning:MaxUploadBytes must be positive")
            .Validate(o => string.IsNullOrWhiteSpace(o.PolicyFile) || PolicyLoads(o.PolicyFile), "Scanning:PolicyFile must name a readable, valid policy file (docs/engine.md)")
            .Validate(o => string.IsNullOrWhiteSpace(o.ClamdEndpoint) || Gatehouse.Analysis.Analyzers.Malware.ClamdEndpoint.TryParse(o.ClamdEndpoint, out _, out _),
                "Scanning:ClamdEndpoint must be tcp://HOST:PORT or unix:/PATH")
            .ValidateOnStart();
        services.AddOptions<Listing.ListingOptions>().BindConfiguration(Listing.ListingOptions.Section)
            .Validate(o => string.IsNullOrWhiteSpace(o.PolicyFile) || File.Exists(o.PolicyFile), "Listing:PolicyFile must name a readable listing policy file (docs/lifecycle.md)")
            .ValidateOnStart();
        services.AddOptions<BlobStoreOptions>().BindConfiguration(BlobStoreOptions.Section)
            .Validate(o => o.MaxBytes > 0, "Blobs:MaxBytes must be positive").ValidateOnStart();
        return new StartupSettings(gatehouse, database, jobs, data);
    }

    private static bool PolicyLoads(string path)
    {
        try { Gatehouse.Analysis.Pipeline.PolicyFile.Load(path); return true; }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or IOException or UnauthorizedAccessException) { return false; }
    }

    public static IServiceCollection AddGatehouseCore(this IServiceCollection services, IConfiguration configuration, StartupSettings s)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new StartupConsole(System.Console.Out));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddDataProtection()
            .SetApplicationName("gatehouse")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(s.DataDirectory, "keys", "dataprotection")));
        services.AddSingleton(new ServerKeys(configuration, s.DataDirectory));
        services.AddSingleton<AuditLog>();
        services.AddHttpContextAccessor();
        services.AddOptions<SecurityRefusalsOptions>().BindConfiguration(SecurityRefusalsOptions.Section)
            .Validate(o => o.Problem() is null, "SecurityRefusals settings are not valid (docs/operations.md#security-refusals)").ValidateOnStart();
        services.AddSingleton<SecurityRefusals>();
        services.AddSingleton<SecurityRefusalsFlusher>(); // one audit entry per actor, reason and window
        services.AddHostedService(sp => sp.GetRequiredService<SecurityRefusalsFlusher>());
        services.AddScoped<OrgAccess>();
        services.AddScoped<Invitations.InvitationService>();
        services.AddScoped<Invitations.InvitationRequests>();
        services.AddScoped<Developers.OrganizationDirectory>();
        services.AddScoped<OAuth.TenantDirectory>();
        services.AddOptions<Invitations.InvitationOptions>().BindConfiguration(Invitations.InvitationOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<Scanning.ScanStarter>();
        services.AddScoped<Listing.ListingPolicies>();
        services.AddScoped<Listing.RequirementSnapshots>();
        services.AddScoped<Agreements.AgreementGuard>();
        services.AddScoped<Evidence.EvidenceGuard>();
        services.AddScoped<Evidence.EvidenceVault>();
        services.AddScoped<Notifications.Notifier>();
        services.AddScoped<Notifications.OrganizationWebhooks>();
        services.AddScoped<Apps.AppAccess>();
        services.AddScoped<Apps.VersionFindings>();
        services.AddScoped<Apps.VersionWorkflow>();
        services.AddScoped<Apps.AppRegistry>();
        services.AddScoped<Apps.VersionDrafts>();
        services.AddScoped<Apps.VersionActions>();
        services.AddScoped<Apps.SuppressionWorkflow>();
        services.AddScoped<Apps.ReviewQueue>();
        services.AddScoped<OAuth.AppAccessGate>();
        services.AddScoped<OAuth.AppClients>();
        services.AddScoped<ApiKeys.AppApiKeys>();
        services.AddScoped<Agreements.DeveloperAgreements>();
        services.AddScoped<Downloads.DownloadIssuer>();
        services.AddOptions<Downloads.DownloadOptions>().BindConfiguration(Downloads.DownloadOptions.Section)
            .Validate(o => o.Problem() is null, "Downloads settings are not valid (docs/downloads.md)").ValidateOnStart();
        services.AddSingleton<Downloads.DownloadKeyRing>();
        services.AddSingleton<Downloads.DownloadMetrics>();
        services.AddSingleton<Downloads.DownloadCountWindow>();
        services.AddRateLimiter(o => o.AddPolicy<string, Downloads.DownloadRateLimitPolicy>(Downloads.DownloadRateLimitPolicy.Name));
        services.AddScoped<Apps.LifecycleTicker>();
        services.AddScoped<Scanning.IScanCompletion, Apps.SubmissionScanCompletion>();
        services.AddScoped<Scanning.IScanCompletion, Apps.RescanCompletion>();
        services.AddScoped<Scanning.IScanCompletion, Evidence.EvidenceScanCompletion>();
        Probes.ProbeSetup.AddGatehouseProbes(services);
        services.AddOptions<Evidence.EvidenceOptions>().BindConfiguration(Evidence.EvidenceOptions.Section).Validate(o => o.MaxUploadBytes > 0, "Evidence:MaxUploadBytes must be positive").ValidateOnStart();
        Notifications.NotificationsSetup.AddGatehouseNotifications(services, s);
        services.AddGatehouseBlobStore(configuration); // Blobs:Backend, docs/storage.md
        services.AddSingleton<IReadinessCheck, DatabaseReadiness>();
        services.AddSingleton<IReadinessCheck, BlobStoreReadiness>();
        services.AddSingleton<IReadinessCheck, JobStorageReadiness>();
        // Every configured engine is part of readiness; an engine the policy needs but nobody configured
        // shows up in scan reports as incomplete instead.
        if (!string.IsNullOrWhiteSpace(configuration["Scanning:ClamdEndpoint"]))
            services.AddSingleton<IReadinessCheck, Scanning.ClamdReadiness>();
        services.AddSingleton<IReadinessCheck, Scanning.YaraReadiness>();
        return services;
    }

    /// <summary>Before serving: migrate, first-run admin, demo data, clean interrupted uploads.</summary>
    public static async Task PrepareAsync(this WebApplication app)
    {
        var console = app.Services.GetRequiredService<StartupConsole>().Out;
        var ct = app.Lifetime.ApplicationStopping;
        await app.Services.MigrateGatehouseDatabaseAsync(ct);
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
        app.Services.CleanStaleBlobTemporaryFiles(TimeSpan.FromHours(1), time.GetUtcNow());
    }
}
