using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Platform;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.ApiKeys;

/// <summary>
/// API keys of an app: create (shown once), list (never the secret), rotate with an overlap window, revoke.
/// Members of the app's organisation manage them; staff may list and revoke. An app or key the caller may
/// not see is "not found".
/// </summary>
internal static class ApiKeysApi
{
    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var byApp = app.MapGroup("/api/apps/{app}/api-keys").WithTags("API keys");
        byApp.MapGet("/", List).RequireAuthorization(Policies.Read).WithName("ListApiKeys").WithSummary("List an app's API keys.");
        byApp.MapPost("/", Create).RequireAuthorization(Policies.Write).WithName("CreateApiKey").WithSummary("Create an API key for an app (shown once).");
        var byKey = app.MapGroup("/api/api-keys/{keyId}").WithTags("API keys");
        byKey.MapPost("/rotate", Rotate).RequireAuthorization(Policies.Write).WithName("RotateApiKey").WithSummary("Replace an API key with a new one.");
        byKey.MapDelete("/", Revoke).RequireAuthorization(Policies.Write).WithName("RevokeApiKey").WithSummary("Revoke an API key.");
        return app;
    }

    public static async Task<Results<Ok<List<ApiKeyInfo>>, ProblemHttpResult>> List(string app, HttpContext http, AppApiKeys keys, CancellationToken ct)
    {
        var outcome = await keys.ListAsync(http, app, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> Create(
        string app, CreateApiKeyRequest request, HttpContext http, AppApiKeys keys, CancellationToken ct)
    {
        var outcome = await keys.CreateAsync(http, app, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Created($"/api/apps/{app}/api-keys", outcome.Value!);
    }

    public static async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> Rotate(
        string keyId, RotateApiKeyRequest? request, HttpContext http, AppApiKeys keys, CancellationToken ct)
    {
        var outcome = await keys.RotateAsync(http, keyId, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Created($"/api/apps/{outcome.Value!.App}/api-keys", outcome.Value.Key);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Revoke(string keyId, HttpContext http, AppApiKeys keys, CancellationToken ct)
    {
        var outcome = await keys.RevokeAsync(http, keyId, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();
    }
}
