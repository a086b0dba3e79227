using System.Security.Claims;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static Gatehouse.Server.Identity.HtmlPage;
using static OpenIddict.Abstractions.OpenIddictConstants;
using OidcErrors = OpenIddict.Abstractions.OpenIddictConstants.Errors;

namespace Gatehouse.Server.OAuth;

/// <summary>
/// The two OpenIddict endpoints Gatehouse completes itself (passthrough): authorization (consent by a
/// tenant admin, which records the installation) and token (who gets which tenant). Introspection,
/// revocation and PAR are answered by OpenIddict alone.
/// </summary>
internal static class ConnectApi
{
    public static IEndpointRouteBuilder MapConnectApi(this IEndpointRouteBuilder app)
    {
        var connect = app.MapGroup("/connect").ExcludeFromDescription().AllowAnonymous();
        // OpenIddict validates the request (client, redirect URI, PKCE, scopes) before these run.
        connect.MapMethods("/authorize", [HttpMethods.Get, HttpMethods.Post], Authorize).DisableAntiforgery().WithName("Authorize").WithSummary("OAuth authorization endpoint: sign-in and consent.");
        connect.MapPost("/token", Token).DisableAntiforgery().WithName("Token").WithSummary("OAuth token endpoint.");
        return app;
    }

    /// <summary>Consent: a signed-in tenant admin sees the scopes in plain words and installs the app.</summary>
    public static async Task<IResult> Authorize(HttpContext http, GatehouseDb db, IAntiforgery af,
        IOpenIddictApplicationManager applications, TimeProvider time, AuditLog audit, AppAccessGate gate, Notifications.Notifier notifier)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenIddict request");
        if (await gate.RefusalAsync(request.ClientId!, http.RequestAborted) is { } stopped)
            return Refuse(OidcErrors.UnauthorizedClient, stopped.Message);
        var cookie = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        if (!cookie.Succeeded || cookie.Principal.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId)
            return Results.Challenge(new AuthenticationProperties { RedirectUri = http.Request.PathBase + http.Request.Path + QueryOf(request) },
                [IdentityConstants.ApplicationScheme]);

        var tenants = await (from a in db.Set<Identity.TenantAdmin>()
                             join t in db.Set<Tenant>() on a.TenantId equals t.Id
                             where a.UserId == userId
                             orderby t.Name
                             select t).ToListAsync(http.RequestAborted);
        if (tenants.Count == 0)
            return Refuse(OidcErrors.AccessDenied, "Only a tenant admin can install an app.");
        var client = await applications.FindByClientIdAsync(request.ClientId!, http.RequestAborted)
            ?? throw new InvalidOperationException("OpenIddict validated an unknown client");
        var clientName = await applications.GetDisplayNameAsync(client, http.RequestAborted) ?? request.ClientId!;
        var scopes = request.GetScopes();

        var form = HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
        if (form is null || (!form.ContainsKey("accept") && !form.ContainsKey("deny")))
            return ConsentPage(http, af, request, clientName, tenants, scopes);

        // The decision came from our consent form: it must carry the form's antiforgery token.
        if (!await af.IsRequestValidAsync(http))
            return Render("Request refused", "<p>The form expired or did not come from this site. Start the installation again.</p>", 400);
        if (form.ContainsKey("deny"))
            return Refuse(OidcErrors.AccessDenied, "The tenant admin declined the installation.");
        if (!Guid.TryParse(form["tenant_choice"].ToString(), out var tenantId) || tenants.Find(t => t.Id == tenantId) is not { } tenant)
            return Refuse(OidcErrors.AccessDenied, "The chosen tenant is not one you administer.");

        var now = time.GetUtcNow();
        var appId = await db.Apps.Where(a => a.Slug == request.ClientId).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(http.RequestAborted);
        var installation = await db.Set<Installation>()
            .FirstOrDefaultAsync(i => i.TenantId == tenantId && i.ClientId == request.ClientId && i.UninstalledAt == null, http.RequestAborted);
        var granted = scopes.Where(s => s != Scopes.OfflineAccess).ToList();
        var fresh = installation is null;
        if (installation is null)
        {
            installation = new Installation
            {
                Id = Guid.NewGuid(), TenantId = tenantId, ClientId = request.ClientId!, AppId = appId,
                Scopes = string.Join(' ', granted), InstalledBy = userId, InstalledAt = now,
            };
            db.Add(installation);
        }
        else
        {
            installation.Scopes = string.Join(' ', installation.ScopeList.Union(granted).Order(StringComparer.Ordinal));
        }
        // The installation, its audit entry and the app's webhook commit together.
        audit.Record(db, AuditEvent.By(http, OAuthAuditActions.AppInstalled, subject: request.ClientId,
            data: new { tenant = tenantId, scopes = granted }));
        if (fresh && appId is { } installedApp && await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.Id == installedApp, http.RequestAborted) is { } row)
            await notifier.QueueForAppAsync(row.Id, row.OrganizationId, AppEvents.Installed,
                new { app = row.Slug, tenantId, installationId = installation.Id, scopes = granted }, http.RequestAborted);
        await db.SaveChangesAsync(http.RequestAborted);

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, userId).SetClaim(OAuthSetup.TenantClaim, tenant.Id.ToString());
        identity.SetScopes(scopes);
        identity.SetResources(ResourcesOf(request));
        // Every token of the installation hangs off its authorization: uninstalling revokes them all at once.
        identity.SetAuthorizationId(await gate.EnsureAuthorizationAsync(installation, identity, http.RequestAborted));
        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>Client credentials (one installed tenant), and the code and refresh grants (re-checked against the installation).</summary>
    public static async Task<IResult> Token(HttpContext http, GatehouseDb db, AppAccessGate gate)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenIddict request");
        // A quarantined, suspended or delisted app gets no token of any kind.
        if (await gate.RefusalAsync(request.ClientId!, http.RequestAborted) is { } stopped)
            return Refuse(OidcErrors.UnauthorizedClient, stopped.Message);
        if (request.IsClientCredentialsGrantType())
        {
            // The app acts for one tenant, and only one where it is installed, for at most the scopes granted there.
            var tenant = (string?)request[OAuthSetup.TenantParameter];
            if (!Guid.TryParse(tenant, out var tenantId))
                return Refuse(OidcErrors.InvalidRequest, $"The '{OAuthSetup.TenantParameter}' parameter must name a tenant where the app is installed.");
            var installation = await db.Set<Installation>()
                .FirstOrDefaultAsync(i => i.TenantId == tenantId && i.ClientId == request.ClientId && i.UninstalledAt == null, http.RequestAborted);
            if (installation is null)
                return Refuse(OidcErrors.UnauthorizedClient, "The app is not installed in this tenant.");
            var scopes = request.GetScopes();
            if (scopes.Except(installation.ScopeList).Any())
                return Refuse(OidcErrors.InvalidScope, "The tenant did not grant every requested scope.");

            var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Subject, request.ClientId).SetClaim(OAuthSetup.TenantClaim, tenantId.ToString());
            identity.SetScopes(scopes);
            identity.SetResources(ResourcesOf(request));
            identity.SetAuthorizationId(await gate.EnsureAuthorizationAsync(installation, identity, http.RequestAborted));
            identity.SetDestinations(static _ => [Destinations.AccessToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }
        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var stored = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
            if (stored is null)
                return Refuse(OidcErrors.InvalidGrant, "The grant is no longer valid.");
            // An uninstalled app keeps nothing: its refresh tokens stop working too.
            var tenant = stored.GetClaim(OAuthSetup.TenantClaim);
            var active = Guid.TryParse(tenant, out var tenantId) && await db.Set<Installation>()
                .AnyAsync(i => i.TenantId == tenantId && i.ClientId == request.ClientId && i.UninstalledAt == null, http.RequestAborted);
            if (!active)
                return Refuse(OidcErrors.InvalidGrant, "The app is no longer installed in this tenant.");
            var identity = new ClaimsIdentity(stored.Claims, TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
            identity.SetDestinations(static _ => [Destinations.AccessToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }
        return Refuse(OidcErrors.UnsupportedGrantType, "This grant type is not supported.");
    }

    /// <summary>Resources asked for (RFC 8707; OpenIddict checked them against the client's permissions), else the platform API.</summary>
    private static IEnumerable<string> ResourcesOf(OpenIddictRequest request)
    {
        var asked = request.GetResources();
        return asked.IsEmpty ? [OAuthSetup.PlatformResource] : asked;
    }

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static string QueryOf(OpenIddictRequest request) =>
        QueryString.Create(request.GetParameters().Select(p => new KeyValuePair<string, string?>(p.Key, (string?)p.Value))).ToUriComponent();

    private static IResult ConsentPage(HttpContext http, IAntiforgery af, OpenIddictRequest request, string clientName,
        IReadOnlyList<Tenant> tenants, IEnumerable<string> scopes)
    {
        var tokens = af.GetAndStoreTokens(http);
        // The consent form posts the authorization request back (OpenIddict validates it again) plus the decision.
        var hidden = string.Concat(request.GetParameters()
            .Where(p => p.Key is not ("accept" or "deny" or "tenant_choice") && p.Key != tokens.FormFieldName)
            .Select(p => $"""<input type="hidden" name="{E(p.Key)}" value="{E((string?)p.Value)}">"""));
        var items = string.Concat(scopes.Select(s => $"<li>{E(OAuthScopes.Descriptions.GetValueOrDefault(s, s))} <code>{E(s)}</code></li>"));
        var asked = (string?)request[OAuthSetup.TenantParameter];
        var options = string.Concat(tenants.Select(t =>
            $"""<option value="{E(t.Id.ToString())}"{(t.Id.ToString() == asked ? " selected" : "")}>{E(t.Name)}</option>"""));
        return Render("Install an app", $"""
            <p><strong>{E(clientName)}</strong> asks to be installed and to:</p>
            <ul>{items}</ul>
            <form method="post" action="/connect/authorize">
              <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
              {hidden}
              <p><label for="tenant_choice">Tenant</label><br><select id="tenant_choice" name="tenant_choice">{options}</select></p>
              <p><button type="submit" name="accept" value="1">Install</button> <button type="submit" name="deny" value="1">Cancel</button></p>
            </form>
            """);
    }
}
