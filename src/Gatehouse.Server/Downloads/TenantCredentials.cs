using System.Net.Http.Headers;
using System.Text;
using Gatehouse.Server.Identity;
using Gatehouse.Server.OAuth;
using Microsoft.AspNetCore.Identity;

namespace Gatehouse.Server.Downloads;

/// <summary>
/// The credentials of a tenant's machine clients at Gatehouse's distribution endpoints (the registry's token service,
/// docs/registry.md; the Helm chart repository, docs/helm-repository.md): HTTP Basic with the tenant's id as the user name
/// and a personal access token with <c>read</c> scope of one of the tenant's admins as the password. One answer for every
/// failure (null): which part was wrong is not told.
/// </summary>
internal sealed class TenantCredentials(Data.GatehouseDb db, TokenService pats, UserManager<GatehouseUser> users)
{
    /// <summary>Longest Authorization parameter read (a tenant id and a token are far shorter).</summary>
    public const int MaxHeaderLength = 1024;

    /// <summary>Who presented valid credentials: the tenant and the admin whose token it is.</summary>
    internal sealed record Customer(Guid TenantId, string UserId, string TokenId);

    /// <summary>
    /// The customer of the request's Basic credentials: the token is valid and has <c>read</c> scope, its owner is not locked
    /// out and administers the tenant. Null for anything else, and nothing is read but the header.
    /// </summary>
    public async Task<Customer?> AuthenticateAsync(HttpContext http, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization.ToString(), out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is not { Length: > 0 and <= MaxHeaderLength } b64)
            return null;
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
        }
        catch (FormatException)
        {
            return null;
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !Guid.TryParse(decoded[..colon], out var tenant)) return null;
        var (record, _) = await pats.ValidateAsync(decoded[(colon + 1)..], ct);
        if (record is null || !record.ScopeList.Contains(Scopes.Read)) return null;
        var user = await users.FindByIdAsync(record.UserId);
        if (user is null || await users.IsLockedOutAsync(user)) return null;
        if (!await TenantAdmin.IsAsync(db, tenant, user.Id, ct)) return null;
        // The token's "last used" shows distribution use too (written at most once a minute).
        await pats.TouchAsync(record, http.Connection.RemoteIpAddress?.ToString(), ct);
        return new Customer(tenant, user.Id, record.Id);
    }
}
