using Gatehouse.Server;
using Gatehouse.Server.Advisories;
using Gatehouse.Server.Agreements;
using Gatehouse.Server.ApiKeys;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Console;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Charts;
using Gatehouse.Server.Cluster;
using Gatehouse.Server.Downloads;
using Gatehouse.Server.Images;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Guidelines;
using Gatehouse.Server.Evidence;
using Gatehouse.Server.Health;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Invitations;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Listing;
using Gatehouse.Server.Notifications;
using Gatehouse.Server.Platform;
using Gatehouse.Server.Registry;
using Gatehouse.Server.Retention;
using Gatehouse.Server.OAuth;
using Gatehouse.Server.Scanning;
using Gatehouse.Server.Signing;
using Gatehouse.Server.Tls;
using Gatehouse.Server.Usage;
using Gatehouse.Server.Gateway;
using Hangfire;

var builder = WebApplication.CreateBuilder(args);

// Configuration: appsettings, GATEHOUSE_* shortcuts, validated options.
var settings = builder.AddGatehouseConfiguration();
builder.AddGatehouseKestrel(); // HTTPS certificate (Gatehouse:Tls), no Server header

// Cross-cutting services: time, data protection, server keys, JSON; problem details; OpenAPI; database; blobs.
builder.Services.AddGatehouseCore(builder.Configuration, settings);
builder.Services.AddGatehouseProblemDetails();
builder.Services.AddOpenApi();
builder.Services.AddGatehouseDatabase(settings.Database, settings.DataDirectory);
builder.Services.AddGatehouseBlobStore(builder.Configuration, settings.DataDirectory); // Blobs:Backend, docs/storage.md
builder.Services.AddGatehouseCluster(builder.Configuration);      // Redis (when set): shared limits, login throttling, cache invalidation (docs/scale-out.md)

// Features, one line each, in the order of their endpoints below (each folder's XxxSetup.cs and XxxApi.cs).
builder.Services.AddGatehouseHealth();                            // MapHealthApi
builder.Services.AddGatehouseAuth();                              // Identity: MapAccountApi, MapTokensApi, MapUsersApi
builder.Services.AddGatehouseTwoFactor();                         // MapTwoFactorApi: staff 2FA, sign-in throttling (docs/console.md#security)
builder.Services.AddGatehouseDevelopers();                        // MapOrganizationsApi
builder.Services.AddGatehouseInvitations();                       // MapInvitationsApi
builder.Services.AddGatehouseOAuth(builder.Environment, settings); // MapTenantsApi, MapConnectApi, MapAppClientsApi
builder.Services.AddGatehouseAudit();                             // MapAuditApi, MapSecurityRefusalsApi
builder.Services.AddGatehouseScanning(builder.Configuration);      // MapScansApi; the file and probe scan runners
builder.Services.AddGatehouseAdvisories(settings.DataDirectory);   // MapAdvisoriesApi; the advisory store, its imports (docs/advisories.md)
builder.Services.AddGatehouseGuidelines();                        // MapGuidelinesApi
builder.Services.AddGatehouseApps();                              // MapAppsApi, MapReviewApi, MapSuppressionsApi
builder.Services.AddGatehouseImages();                            // MapImagesApi; registry credentials, pulls, the image scan runner
builder.Services.AddGatehouseListing();                           // MapListingPolicyApi
builder.Services.AddGatehouseNotifications(settings);             // MapWebhooksApi
builder.Services.AddGatehouseAgreements();                        // MapAgreementsApi
builder.Services.AddGatehouseEvidence();                          // MapEvidenceApi
builder.Services.AddGatehouseApiKeys();                           // MapApiKeysApi
builder.Services.AddGatehousePlatform();                          // MapPlatformApi
builder.Services.AddGatehouseGateway(builder.Configuration);      // MapGateway: YARP in front of a platform's API, platform rate limits (docs/gateway.md)
builder.Services.AddGatehouseMetering(builder.Configuration);     // UseUsageMetering, MapMeteringApi: per-minute usage, batch ingestion, OpenTelemetry (docs/usage.md)
builder.Services.AddGatehouseUsageDetection();                    // no endpoints: usage.detect, alerts, actions, risk (docs/usage.md)
builder.Services.AddGatehouseUsageViews();                        // MapUsageApi: usage series, alerts, risk (docs/usage.md)
builder.Services.AddGatehouseDownloads();                         // MapDownloadsApi, UseDownloadHost
builder.Services.AddGatehouseRegistry(settings.DataDirectory);    // MapRegistryApi; the token service, registry.publish/unpublish (docs/registry.md)
builder.Services.AddGatehouseCharts();                            // MapChartRepositoryApi; the chart scan runner, the Helm repository (docs/helm-repository.md)
builder.Services.AddGatehouseSigning();                           // MapSigningApi; platform keys, signatures of approved artifacts, vendor keys (docs/signing.md)
builder.Services.AddGatehouseRetention();                         // no endpoints: the blobs.retention job
builder.Services.AddGatehouseConsole();                           // MapRazorPages
builder.Services.AddGatehouseJobs(settings.Database, settings.Gatehouse, settings.Jobs); // MapHangfireDashboard

var app = builder.Build();

// Start-up: migrations, bootstrap admin, demo data.
await app.PrepareAsync();

// Pipeline.
app.UseGatehouseForwardedHeaders(); // only from Gatehouse:KnownProxies/KnownNetworks (docs/operations.md)
app.UseGatehouseProblemDetails();
app.UseGatehouseHttps();
app.UseDownloadHost();
app.UseGatehouseSecurityHeaders();
app.UseCookiePolicy(); // Secure on every cookie (AuthSetup)
app.UseStaticFiles(); // the console's CSS and JavaScript (public, no secrets)
if (settings.Gatehouse.IsWeb)
    app.UseSwaggerUI(o => { o.SwaggerEndpoint("/openapi/v1.json", "Gatehouse v1"); o.RoutePrefix = "openapi/ui"; }); // static, public
app.UseUsageMetering(); // platform API and gateway calls, outermost so 401, 403 and 429 are counted
app.UseRateLimiter();
app.UseAuthentication();
app.UseTwoFactorEnforcement();
app.UseAuthorization();
app.UsePlatformRateLimits(); // per app and installation, after authorization because the buckets are the app's (docs/gateway.md)
app.UseAntiforgery();
app.UseAntiforgeryRefusal(); // a failed form token is a 400 auth.antiforgery before any form is read
app.UseCookieApiAntiforgery();

// Endpoints, in the order of the features above (and of the OpenAPI document).
app.MapHealthApi();
if (settings.Gatehouse.IsWeb)
{
    app.MapOpenApi().AllowAnonymous();
    app.MapAccountApi();
    app.MapTwoFactorApi();
    app.MapTokensApi();
    app.MapUsersApi();
    app.MapOrganizationsApi();
    app.MapInvitationsApi();
    app.MapTenantsApi();
    app.MapAuditApi();
    app.MapSecurityRefusalsApi();
    app.MapScansApi();
    app.MapAdvisoriesApi();
    app.MapGuidelinesApi();
    app.MapAppsApi();
    app.MapImagesApi();
    app.MapReviewApi();
    app.MapSuppressionsApi();
    app.MapListingPolicyApi();
    app.MapWebhooksApi();
    app.MapAgreementsApi();
    app.MapEvidenceApi();
    app.MapApiKeysApi();
    app.MapPlatformApi();
    app.MapGateway();
    app.MapMeteringApi();
    app.MapUsageApi();
    app.MapConnectApi();
    app.MapAppClientsApi();
    app.MapDownloadsApi();
    app.MapRegistryApi();
    app.MapChartRepositoryApi();
    app.MapSigningApi();
    app.MapRazorPages(); // the console (docs/console.md)
    app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [], AppPath = "/account/" })
       .RequireAuthorization(Policies.Admin);
}

app.Run();

/// <summary>Entry point; public so that the test host can start it.</summary>
public partial class Program;
