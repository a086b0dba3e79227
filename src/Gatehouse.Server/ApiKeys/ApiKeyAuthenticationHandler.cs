using Gatehouse.Analysis.Analyzers.Secrets;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Platform;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.ApiKeys;

/// <summary>
/// <c>Authorization: Bearer ghk_…</c> on the platform API. The principal carries <c>api_key_id</c>,
/// <c>app_id</c>, <c>tenant_id</c> (when the key is bound to a tenant) and one <c>scope</c> claim per scope.
/// A key is refused anywhere but <c>/platform</c> and the gateway's routes: it is not a user and must not reach the Gatehouse API.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyValidationCache cache,
    ServerKeys serverKeys,
    ApiKeyMetrics metrics,
    TimeProvider time)
    : BearerCredentialHandler(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string KeyIdClaim = PlatformAuth.KeyIdClaim;
    public const string AppIdClaim = PlatformAuth.AppIdClaim;

    /// <summary>True when the header carries a Gatehouse API key (the selector's test).</summary>
    public static bool Presents(string? authorization) =>
        authorization is not null
        && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        && authorization.AsSpan("Bearer ".Length).TrimStart().StartsWith("ghk_", StringComparison.Ordinal);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (!Presents(header)) return AuthenticateResult.NoResult();
        // The platform API and the gateway's routes (both marked as metered platform endpoints) take keys.
        if (!Request.Path.StartsWithSegments(PlatformApi.Prefix) && Context.GetEndpoint()?.Metadata.GetMetadata<MeteredPlatformEndpoint>() is null)
        {
            metrics.Authentication("wrong-endpoint");
            return Fail("API keys are accepted only by the platform API");
        }
        var presented = header!["Bearer ".Length..].Trim();
        // A key accepted moments ago with no access change since (ApiKeyValidationCache) needs no service of its own: the
        // scoped ApiKeyService (a database context, the access gate, OpenIddict's managers) is built only on a miss.
        ApiKey? record = null;
        string? failure = null;
        ApiKeyService? keys = null;
        if (GatehouseApiKeyFormat.TryParse(presented, out _, out _) && cache.Find(ApiKeyService.Hmac(serverKeys, presented)) is { } known)
        {
            record = known;
            metrics.Authentication("ok");
        }
        else
        {
            keys = Context.RequestServices.GetRequiredService<ApiKeyService>();
            (record, failure) = await keys.ValidateAsync(presented, Context.RequestAborted);
        }
        if (record is null)
        {
            // A known key refused (wrong secret, expired, revoked, app suspended): its app's usage counts the 401.
            if (keys?.Refused is { } refused)
            {
                var usage = Usage.UsageEndpointFeature.Of(Context);
                usage.RefusedAppId = refused.AppId;
                usage.RefusedCredentialId = refused.Id;
                // A tenant's key used after the app was uninstalled there: a call for a tenant where the app is not installed.
                if (failure == "not-installed" && refused.TenantId is { } keyTenant) usage.NotInstalledTenant = keyTenant;
            }
            return Fail($"API key {failure}");
        }

        var claims = new List<Claim>
        {
            new(KeyIdClaim, record.Id),
            new(AppIdClaim, record.AppId.ToString()),
            new(ClaimTypes.Name, "api-key:" + record.Id),
        };
        if (record.TenantId is { } tenant) claims.Add(new Claim(PlatformAuth.TenantClaim, tenant.ToString()));
        claims.AddRange(record.ScopeList.Select(s => new Claim(PlatformAuth.ScopeClaim, s)));

        var from = Context.Connection.RemoteIpAddress?.ToString();
        if (ApiKeyService.NeedsTouch(record, from, time.GetUtcNow()))
            await (keys ?? Context.RequestServices.GetRequiredService<ApiKeyService>()).TouchAsync(record, from, Context.RequestAborted);
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override string CredentialName => "API key";
    protected override string InvalidTitle => "The API key is not valid";
    protected override string ForbiddenDetail => "The key does not allow this.";
    protected override string RefusalReason => Audit.RefusalReasons.ApiKeyRefused;
}
