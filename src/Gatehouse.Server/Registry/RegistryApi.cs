using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Registry;

/// <summary>
/// The registry's token endpoint (<c>auth.token.realm</c>, anonymous route: the caller is authenticated from HTTP Basic
/// credentials by <see cref="RegistryTokenService"/>) and the signing certificate for admins. Docs: docs/registry.md.
/// </summary>
internal static class RegistryApi
{
    public const string TokenPath = "/registry/token";

    public static IEndpointRouteBuilder MapRegistryApi(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<RegistryOptions>>().Value;
        // The certificate is written at start-up, so the registry can be configured before the first token is asked for.
        if (options.Enabled) _ = app.ServiceProvider.GetRequiredService<RegistrySigner>().Key;
        app.MapGet(TokenPath, Token).AllowAnonymous().WithTags("Registry").WithName("GetRegistryToken")
            .WithSummary("Get a registry token (docker distribution token authentication); HTTP Basic: tenant id and a personal access token.");
        app.MapGet("/api/admin/registry/certificate", Certificate).RequireAuthorization(Policies.Admin).WithTags("Registry")
            .Produces(StatusCodes.Status200OK, contentType: "application/x-pem-file").WithName("GetRegistryCertificate")
            .WithSummary("Get the certificate the registry trusts for Gatehouse's tokens (auth.token.rootcertbundle).");
        return app;
    }

    /// <summary>GET only, no body read; every refused scope is left out of the token rather than named.</summary>
    public static async Task<Results<Ok<RegistryTokenService.TokenResponse>, ProblemHttpResult>> Token(
        HttpContext http, RegistryTokenService tokens, IOptions<RegistryOptions> options, CancellationToken ct)
    {
        if (!options.Value.Enabled) return Problems.NotFound("Registry");
        var query = http.Request.Query;
        var outcome = await tokens.IssueAsync(http, query["service"].FirstOrDefault(), query["scope"].ToArray(), ct);
        if (outcome.Unauthenticated)
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"Gatehouse registry\", charset=\"UTF-8\"";
            return Problems.Of(StatusCodes.Status401Unauthorized, ProblemCodes.RegistryCredentialsInvalid, "The registry credentials are not valid",
                "Use the tenant's id as the user name and a personal access token with read scope of one of its admins as the password.");
        }
        if (outcome.Invalid is { } why) return Problems.Invalid(why);
        return TypedResults.Ok(outcome.Response!);
    }

    public static Results<ContentHttpResult, ProblemHttpResult> Certificate(IOptions<RegistryOptions> options, RegistrySigner signer) =>
        options.Value.Enabled
            ? TypedResults.Text(signer.Key.CertificatePem, "application/x-pem-file")
            : Problems.NotFound("Registry");
}
