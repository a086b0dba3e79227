using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Server.OAuth;

/// <summary>
/// The OAuth side of an approved web integration: its client (client id = the app's slug), redirect URIs,
/// secret, lifecycle webhook and installations; tenant admins list and uninstall; staff pull the kill switch.
/// Docs: docs/oauth.md. The rules live in <see cref="AppClients"/>; the handlers translate its outcomes.
/// </summary>
internal static class AppClientsApi
{
    public static IEndpointRouteBuilder MapAppClientsApi(this IEndpointRouteBuilder app)
    {
        var byApp = app.MapGroup("/api/apps/{app}").WithTags("OAuth clients");
        byApp.MapGet("/oauth-client", Get).RequireAuthorization(Policies.Read).WithName("GetOAuthClient").WithSummary("Get an app's OAuth client.");
        byApp.MapPost("/oauth-client", Create).RequireAuthorization(Policies.Write).WithName("CreateOAuthClient").WithSummary("Create an app's OAuth client.");
        byApp.MapPut("/oauth-client/redirect-uris", SetRedirectUris).RequireAuthorization(Policies.Write).WithName("SetOAuthRedirectUris").WithSummary("Set an OAuth client's redirect URIs.");
        byApp.MapPost("/oauth-client/rotate-secret", RotateSecret).RequireAuthorization(Policies.Write).WithName("RotateOAuthClientSecret").WithSummary("Replace an OAuth client's secret.");
        byApp.MapPut("/lifecycle-webhook", SetWebhook).RequireAuthorization(Policies.Write).WithName("SetLifecycleWebhook").WithSummary("Set an app's lifecycle webhook.");
        byApp.MapGet("/installations", AppInstallations).RequireAuthorization(Policies.Read).WithName("ListAppInstallations").WithSummary("List the tenants that installed an app.");
        byApp.MapPost("/kill-switch", Kill).RequireAuthorization(Policies.Staff).WithName("SuspendAppAccess").WithSummary("Suspend an app's access and revoke its tokens now.");
        byApp.MapGet("/kill-switch", KillSwitchState).RequireAuthorization(Policies.Read).WithName("GetAppAccessSuspension").WithSummary("Get whether an app's access is suspended.");
        byApp.MapPost("/kill-switch/lift", Lift).RequireAuthorization(Policies.Staff).WithName("LiftAppAccessSuspension").WithSummary("Lift an app's access suspension.");
        var byTenant = app.MapGroup("/api/tenants/{tenantId:guid}/installations").WithTags("OAuth clients");
        byTenant.MapGet("/", TenantInstallations).RequireAuthorization(Policies.Read).WithName("ListTenantInstallations").WithSummary("List a tenant's installed apps.");
        byTenant.MapDelete("/{installationId:guid}", Uninstall).RequireAuthorization(Policies.Write).WithName("UninstallApp").WithSummary("Uninstall an app from a tenant.");
        return app;
    }

    public static async Task<Results<Ok<OAuthClientInfo>, ProblemHttpResult>> Get(
        string app, HttpContext http, AppClients clients, CancellationToken ct)
    {
        var outcome = await clients.GetAsync(http, app, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    /// <summary>Creates the app's client. The app must be a web integration with an approved or published version.</summary>
    public static async Task<Results<Created<CreatedOAuthClient>, ProblemHttpResult>> Create(
        string app, CreateOAuthClientRequest request, HttpContext http, AppClients clients, CancellationToken ct)
    {
        var outcome = await clients.CreateAsync(http, app, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Created($"/api/apps/{outcome.Value!.Client.ClientId}/oauth-client", outcome.Value);
    }

    public static async Task<Results<Ok<OAuthClientInfo>, ProblemHttpResult>> SetRedirectUris(
        string app, RedirectUrisRequest request, HttpContext http, AppClients clients, CancellationToken ct)
    {
        var outcome = await clients.SetRedirectUrisAsync(http, app, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    /// <summary>A new client secret; the old one stops working at once (OpenIddict keeps one secret per client).</summary>
    public static async Task<Results<Ok<ClientSecret>, ProblemHttpResult>> RotateSecret(
        string app, HttpContext http, AppClients clients, CancellationToken ct)
    {
        var outcome = await clients.RotateSecretAsync(http, app, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    /// <summary>Sets (or replaces) the app's lifecycle webhook; the signing secret is shown once.</summary>
    public static async Task<Results<Ok<LifecycleWebhookCreated>, ProblemHttpResult>> SetWebhook(
        string app, LifecycleWebhookRequest request, HttpContext http, AppClients clients, CancellationToken ct)
    {
        var outcome = await clients.SetWebhookAsync(http, app, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<Ok<List<InstallationInfo>>, ProblemHttpResult>> AppInstallations(
        string app, HttpContext http, AppClients clients, CancellationToken ct)
    {
        var outcome = await clients.AppInstallationsAsync(http, app, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<Ok<List<InstallationInfo>>, ProblemHttpResult>> TenantInstallations(
        Guid tenantId, HttpContext http, AppClients clients, CancellationToken ct)
    {
        var outcome = await clients.TenantInstallationsAsync(http, tenantId, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    /// <summary>A tenant admin (or staff) uninstalls: the installation's tokens stop working at once and the app is told.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Uninstall(
        Guid tenantId, Guid installationId, HttpContext http, AppClients clients, CancellationToken ct)
    {
        var outcome = await clients.UninstallAsync(http, tenantId, installationId, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();
    }

    /// <summary>
    /// Whether the app's access is suspended, by whom, when and why, and the suspensions lifted before (newest first).
    /// Members of the app's organisation and staff see it.
    /// </summary>
    public static async Task<Results<Ok<AccessSuspensionState>, ProblemHttpResult>> KillSwitchState(
        string app, HttpContext http, AppClients clients, CancellationToken ct)
    {
        var outcome = await clients.KillSwitchStateAsync(http, app, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    /// <summary>
    /// Staff lift the app's access suspension, with a reason (audited as <c>oauth.access-restored</c>). Revoked tokens and
    /// keys stay revoked. Like an approval, a member of the app's organisation may not lift it.
    /// </summary>
    public static async Task<Results<Ok<AccessSuspensionState>, ProblemHttpResult>> Lift(
        string app, LiftSuspensionRequest? request, HttpContext http, AppClients clients, CancellationToken ct)
    {
        var outcome = await clients.LiftAsync(http, app, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    /// <summary>Staff: suspend the app's access (until lifted) and revoke every token, authorization and API key of the app now, without a lifecycle move.</summary>
    public static async Task<Results<Ok<KillSwitchResult>, ProblemHttpResult>> Kill(
        string app, KillSwitchRequest? request, HttpContext http, AppClients clients, CancellationToken ct)
    {
        var outcome = await clients.KillAsync(http, app, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }
}
