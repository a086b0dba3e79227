using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Downloads;
using Gatehouse.Server.Identity;
using Gatehouse.Server.OAuth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Registry;

/// <summary>
/// Gatehouse as the registry's token service: who asks (<see cref="TenantCredentials"/>, HTTP Basic: the tenant's id as the
/// user name, a personal access token with <c>read</c> scope of one of the tenant's admins as the password) and what each
/// requested scope grants.
/// <para>
/// The rule is the signed downloads' (<see cref="DownloadIssuer"/>): a tenant gets an app's files when the tenant has the
/// app installed (an active installation) and the app is published. Here <c>pull</c> on <c>apps/&lt;slug&gt;</c> is granted
/// when the tenant has the container app installed, the app has a published version and its access is not suspended
/// (<see cref="TenantEntitlement"/>, with <see cref="AppAccessGate.RefusalAsync(Guid, CancellationToken)"/>: a quarantined or suspended version suspends the whole
/// app until staff lift it). Checked on every request, so a quarantine or an uninstall stops new tokens at once.
/// <c>push</c> and <c>delete</c> are never granted here: Gatehouse mints its own push token in process
/// (<see cref="RegistrySigner.PushToken"/>). A scope not granted is left out of the token (the registry then answers
/// 401), the same way whether the app does not exist, is not installed or is quarantined.
/// </para>
/// </summary>
internal sealed class RegistryTokenService(
    GatehouseDb db, RegistrySigner signer, IOptions<RegistryOptions> options, TenantCredentials credentials,
    TenantEntitlement entitlement, AuditLog audit, SecurityRefusals refusals, RegistryMetrics metrics, RegistryGrantWindow window, TimeProvider time,
    ILogger<RegistryTokenService> logger)
{
    /// <summary>Most scopes read from one request (a pull names one repository; skopeo copy at most two).</summary>
    public const int MaxScopes = 10;

    /// <summary>The token response (docs/spec/auth/token.md): <c>token</c> and <c>access_token</c> are the same JWT.</summary>
    internal sealed record TokenResponse(
        [property: System.Text.Json.Serialization.JsonPropertyName("token")] string Token,
        [property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string AccessToken,
        [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] int ExpiresIn,
        [property: System.Text.Json.Serialization.JsonPropertyName("issued_at")] string IssuedAt);

    /// <summary>The outcome: a token, or <see cref="Unauthenticated"/> (401), or an invalid request (400, <see cref="Invalid"/>).</summary>
    internal sealed record Outcome(TokenResponse? Response, bool Unauthenticated, string? Invalid);

    public async Task<Outcome> IssueAsync(HttpContext http, string? service, IReadOnlyList<string?> scopes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var o = options.Value;
        if (service is not null && service != o.Service) return Invalid("service is not this registry's (Registry:Service)");
        if (scopes.Count > MaxScopes) return Invalid($"at most {MaxScopes} scope parameters");
        var customer = await credentials.AuthenticateAsync(http, ct);
        if (customer is null)
        {
            metrics.Token("unauthenticated");
            // Aggregated per caller and window (one audit entry per window, not per request).
            refusals.Record(http, RefusalReasons.PatRefused, "registry-token");
            return new Outcome(null, true, null);
        }

        var granted = new List<RegistryAccess>();
        foreach (var raw in scopes)
        {
            if (RegistryAccess.Parse(raw) is not { } asked) return Invalid("scope must be repository:NAME:ACTIONS");
            if (await GrantAsync(http, customer, asked, ct) is { } grant) granted.Add(grant);
        }
        var (token, claims) = signer.Issue(customer.TenantId.ToString("D"), granted);
        metrics.Token(granted.Count > 0 ? "granted" : "empty");
        http.Response.Headers.CacheControl = "no-store";
        return new Outcome(new TokenResponse(token, token, (int)o.TokenLifetime.TotalSeconds,
            DateTimeOffset.FromUnixTimeSeconds(claims.IssuedAt).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)), false, null);

        Outcome Invalid(string why)
        {
            metrics.Token("invalid");
            return new Outcome(null, false, why);
        }
    }

    /// <summary>What <paramref name="asked"/> grants the customer: pull on an entitled app's repository, else nothing.</summary>
    private async Task<RegistryAccess?> GrantAsync(HttpContext http, TenantCredentials.Customer customer, RegistryAccess asked, CancellationToken ct)
    {
        var o = options.Value;
        if (asked.Actions.Any(a => a != "pull")) metrics.Refused("push");
        if (asked.Type != "repository" || RegistryNames.SlugOf(o, asked.Name) is not { } slug)
        {
            metrics.Refused("unknown-scope");
            return null;
        }
        if (!asked.Actions.Contains("pull")) return null;
        var app = await db.Apps.AsNoTracking().Where(a => a.Slug == slug && a.Type == AppTypes.Container)
            .Select(a => new { a.Id, a.OrganizationId }).FirstOrDefaultAsync(ct);
        var entitled = app is not null && await entitlement.IsEntitledAsync(customer.TenantId, app.Id, ct);
        if (!entitled)
        {
            metrics.Refused("not-entitled");
            logger.LogInformation("Registry pull of {Repository} refused for tenant {Tenant} (not entitled)", asked.Name, customer.TenantId);
            return null;
        }
        // Audited once per (token, repository) and minute: a client asks for a token on every pull, and a loop of them
        // must not flood the append-only log.
        if (window.ShouldCount(customer.TokenId + "|" + asked.Name, time.GetUtcNow(), TimeSpan.FromMinutes(1)))
            await audit.AppendAsync(new AuditEvent(RegistryAuditActions.PullGranted, customer.UserId, app!.OrganizationId.ToString(), asked.Name,
                http.Connection.RemoteIpAddress?.ToString(), new { tenant = customer.TenantId, repository = asked.Name, tokenId = customer.TokenId }), ct);
        return asked with { Actions = ["pull"] };
    }
}
