using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Downloads;
using Gatehouse.Server.Evidence;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Invitations;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Listing;
using Gatehouse.Server.Notifications;
using Gatehouse.Server.Scanning.Probes;
using Gatehouse.Server.Scanning;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Tests;

/// <summary>
/// Every setting with a rule refuses a bad value at start-up with a message that names the key, through the
/// registration the server uses (DataAnnotations on the options class, IValidateOptions for rules across keys).
/// </summary>
public sealed class OptionsValidationTests
{
    private static readonly StartupSettings Settings = new(new GatehouseOptions(), new DatabaseOptions(), new JobsOptions(), Path.GetTempPath());

    private static readonly Dictionary<string, (Action<IServiceCollection, IConfiguration> Register, Func<IServiceProvider, object> Resolve)> Features = new()
    {
        ["audit"] = ((s, _) => s.AddGatehouseAudit(), sp => sp.GetRequiredService<IOptions<SecurityRefusalsOptions>>().Value),
        ["blobs"] = ((s, c) => s.AddGatehouseBlobStore(c, Path.GetTempPath()), sp => sp.GetRequiredService<IOptions<BlobStoreOptions>>().Value),
        ["database"] = ((s, _) => s.AddGatehouseDatabase(new DatabaseOptions(), Path.GetTempPath()), sp => sp.GetRequiredService<IOptions<DatabaseOptions>>().Value),
        ["downloads"] = ((s, _) => s.AddGatehouseDownloads(), sp => sp.GetRequiredService<IOptions<DownloadOptions>>().Value),
        ["evidence"] = ((s, _) => s.AddGatehouseEvidence(), sp => sp.GetRequiredService<IOptions<EvidenceOptions>>().Value),
        ["invitations"] = ((s, _) => s.AddGatehouseInvitations(), sp => sp.GetRequiredService<IOptions<InvitationOptions>>().Value),
        ["listing"] = ((s, _) => s.AddGatehouseListing(), sp => sp.GetRequiredService<IOptions<ListingOptions>>().Value),
        ["login"] = ((s, _) => s.AddGatehouseTwoFactor(), sp => sp.GetRequiredService<IOptions<LoginThrottleOptions>>().Value),
        ["notifications"] = ((s, _) => s.AddGatehouseNotifications(Settings), sp => sp.GetRequiredService<IOptions<NotificationsOptions>>().Value),
    };

    private static object Resolve(string feature, params string[] settings)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => s.Split('=', 2)).Select(p => KeyValuePair.Create(p[0], (string?)p[1])))
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(config).AddLogging();
        var (register, resolve) = Features[feature];
        register(services, config);
        using var provider = services.BuildServiceProvider();
        return resolve(provider);
    }

    [Theory]
    [InlineData("audit")]
    [InlineData("blobs")]
    [InlineData("database")]
    [InlineData("downloads")]
    [InlineData("evidence")]
    [InlineData("invitations")]
    [InlineData("listing")]
    [InlineData("login")]
    [InlineData("notifications")]
    public void The_defaults_are_valid(string feature) => Assert.NotNull(Resolve(feature));

    [Theory]
    [InlineData("audit", "SecurityRefusals:Window=00:00:00.5", "SecurityRefusals:Window must be between 1 second and 1 hour")]
    [InlineData("audit", "SecurityRefusals:MaxKeysPerWindow=0", "SecurityRefusals:MaxKeysPerWindow must be between 1 and 100000")]
    [InlineData("audit", "SecurityRefusals:MaxSamples=101", "SecurityRefusals:MaxSamples must be between 0 and 100")]
    [InlineData("blobs", "Blobs:MaxBytes=0", "Blobs:MaxBytes must be positive")]
    [InlineData("blobs", "Blobs:OrgQuotaBytes=-1", "Blobs:OrgQuotaBytes must be 0 (no quota) or positive")]
    [InlineData("blobs", "Blobs:RetentionGracePeriod=00:00:59", "Blobs:RetentionGracePeriod must be at least 1 minute")]
    [InlineData("blobs", "Blobs:Backend=S3", "Blobs:S3:ServiceUrl is required when Blobs:Backend is s3")]
    [InlineData("database", "Database:Provider=Postgres", "Database:ConnectionString is required when Database:Provider is Postgres")]
    [InlineData("downloads", "Downloads:DefaultLifetime=00:00:00", "Downloads:DefaultLifetime must be positive")]
    [InlineData("downloads", "Downloads:MaxLifetime=8.00:00:00", "Downloads:MaxLifetime must be positive and at most 7 days")]
    [InlineData("downloads", "Downloads:MaxLifetime=00:10:00", "Downloads:DefaultLifetime must not exceed Downloads:MaxLifetime")]
    [InlineData("downloads", "Downloads:ClockSkew=00:06:00", "Downloads:ClockSkew must be between 0 and 5 minutes")]
    [InlineData("downloads", "Downloads:CountWindow=-00:00:01", "Downloads:CountWindow must be between 0 and 1 hour")]
    [InlineData("downloads", "Downloads:RateLimitPerMinute=0", "Downloads:RateLimitPerMinute must be positive")]
    [InlineData("downloads", "Downloads:BaseUrl=https://downloads.example.com/files", "Downloads:BaseUrl must be an absolute http(s) origin without a path")]
    [InlineData("evidence", "Evidence:MaxUploadBytes=0", "Evidence:MaxUploadBytes must be positive")]
    [InlineData("invitations", "Invitations:Lifetime=00:30:00", "Invitations:Lifetime must be between 1 hour and 30 days")]
    [InlineData("invitations", "Invitations:MaxPendingPerTarget=0", "Invitations:MaxPendingPerTarget must be between 1 and 10000")]
    [InlineData("listing", "Listing:PolicyFile=/no/such/listing-policy.json", "Listing:PolicyFile must name a readable listing policy file")]
    [InlineData("login", "Gatehouse:LoginRateLimitPerMinute=0", "Gatehouse:LoginRateLimitPerMinute must be positive")]
    [InlineData("notifications", "Notifications:MaxAttempts=51", "Notifications:MaxAttempts must be between 1 and 50")]
    [InlineData("notifications", "Notifications:DispatchInterval=00:00:00", "Notifications:DispatchInterval must be positive")]
    [InlineData("notifications", "Notifications:WebhookTimeout=00:05:01", "Notifications:WebhookTimeout must be between 0 and 5 minutes")]
    [InlineData("notifications", "Notifications:Lease=00:00:30", "Notifications:Lease must exceed Notifications:WebhookTimeout by at least 30 seconds")]
    [InlineData("notifications", "Notifications:BatchSize=0", "Notifications:BatchSize must be positive")]
    [InlineData("notifications", "Notifications:Concurrency=0", "Notifications:Concurrency must be positive")]
    [InlineData("notifications", "Notifications:MaxWebhooksPerOrganization=0", "Notifications:MaxWebhooksPerOrganization must be positive")]
    [InlineData("notifications", "Notifications:AllowedWebhookHosts=10.0.0.0/99", "Notifications:AllowedWebhookHosts must list host names, IP addresses or CIDR networks")]
    [InlineData("notifications", "Notifications:Smtp:Port=0", "Notifications:Smtp:Port must be a TCP port")]
    [InlineData("notifications", "Notifications:Smtp:From=not an address", "Notifications:Smtp:From must be an e-mail address")]
    public void A_bad_setting_stops_the_start_naming_its_key(string feature, string setting, string message)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(feature, setting));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    // The scan core's options (registered by its own setup): their attributes and cross-key rules.
    private static IEnumerable<string> Failures<T>(T options, IValidateOptions<T>? crossKey = null) where T : class =>
        (new DataAnnotationValidateOptions<T>(null).Validate(null, options).Failures ?? [])
            .Concat(crossKey?.Validate(null, options).Failures ?? []);

    [Fact]
    public void The_scan_core_options_refuse_bad_values_naming_their_keys()
    {
        Assert.Empty(Failures(new ScanningOptions()));
        Assert.Empty(Failures(new JobsOptions()));
        Assert.Empty(Failures(new ProbeSettings(), new ProbeSettingsValidator()));
        Assert.Empty(Failures(new GatehouseOptions()));

        Assert.Contains(Failures(new ScanningOptions { MaxUploadBytes = 0 }), f => f.Contains("Scanning:MaxUploadBytes must be positive", StringComparison.Ordinal));
        Assert.Contains(Failures(new ScanningOptions { PolicyFile = "/no/such/policy.json" }), f => f.Contains("Scanning:PolicyFile must name a readable, valid policy file", StringComparison.Ordinal));
        Assert.Contains(Failures(new ScanningOptions { ClamdEndpoint = "http://clamd" }), f => f.Contains("Scanning:ClamdEndpoint must be tcp://HOST:PORT or unix:/PATH", StringComparison.Ordinal));
        Assert.Contains(Failures(new JobsOptions { Lease = TimeSpan.Zero }), f => f.Contains("Jobs intervals must be positive", StringComparison.Ordinal));
        Assert.Contains(Failures(new ProbeSettings { AllowedAddresses = ["10.0.0.0/99"] }, new ProbeSettingsValidator()), f => f.Contains("Gatehouse:Probe:AllowedAddresses", StringComparison.Ordinal));
        Assert.Contains(Failures(new ProbeSettings { TrustedRootsFile = "/no/such/roots.pem" }, new ProbeSettingsValidator()), f => f.Contains("Gatehouse:Probe:TrustedRootsFile", StringComparison.Ordinal));
        Assert.Contains(Failures(new ProbeSettings { RequestTimeout = TimeSpan.FromMinutes(6) }, new ProbeSettingsValidator()), f => f.Contains("Gatehouse:Probe:RequestTimeout must be positive and at most 5 minutes", StringComparison.Ordinal));
        Assert.Contains(Failures(new ProbeSettings { RequestTimeout = TimeSpan.FromSeconds(30), MaxDuration = TimeSpan.FromSeconds(20) }, new ProbeSettingsValidator()),
            f => f.Contains("Gatehouse:Probe:MaxDuration must be at least RequestTimeout and at most 1 hour", StringComparison.Ordinal));
        Assert.Contains(Failures(new GatehouseOptions { Roles = "web,cron" }), f => f.Contains("Gatehouse:Roles may contain only 'web' and 'worker'", StringComparison.Ordinal));
        Assert.Contains(Failures(new GatehouseOptions { Roles = ", ;" }), f => f.Contains("Gatehouse:Roles must name web, worker or both", StringComparison.Ordinal));
    }
}
