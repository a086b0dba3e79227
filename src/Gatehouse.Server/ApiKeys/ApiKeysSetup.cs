using Gatehouse.Server.Identity;

namespace Gatehouse.Server.ApiKeys;

/// <summary>The platform API's keys: their authentication scheme (<c>Bearer ghk_…</c>) and services.</summary>
internal static class ApiKeysSetup
{
    public static IServiceCollection AddGatehouseApiKeys(this IServiceCollection services)
    {
        services.AddBearerCredential<ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, ApiKeyAuthenticationHandler.Presents);
        services.AddScoped<ApiKeyService>();
        services.AddScoped<AppApiKeys>();
        services.AddScoped<OAuth.IAppKeyRevoker, AppKeyRevoker>(); // the kill switch revokes an app's keys
        services.AddScoped<Usage.IUsageGrantSource, ApiKeyUsageGrants>(); // usage detection: keys' scopes for usage.unused-scope
        services.AddScoped<Audit.IAuditGapCheck, ApiKeyAuditGaps>(); // every key created, rotated and revoked has its audit entry
        services.AddSingleton<ApiKeyMetrics>();
        services.AddSingleton<ApiKeyValidationCache>(); // validated keys for a few seconds, dropped at any access change
        return services;
    }
}
