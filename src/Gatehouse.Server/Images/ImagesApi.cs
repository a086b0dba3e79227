using Gatehouse.Server.Apps;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Server.Images;

/// <summary>
/// Container images on the server (issue 17): a vendor organisation's registry credentials (secrets write-only), and a
/// container version's image reference and smoke test on its draft. The rules live in
/// <see cref="VendorRegistryCredentials"/> and <see cref="VersionImages"/>; the handlers translate their outcomes.
/// </summary>
internal static class ImagesApi
{
    public static IEndpointRouteBuilder MapImagesApi(this IEndpointRouteBuilder app)
    {
        var orgs = app.MapGroup("/api/orgs/{orgId:guid}/registry-credentials").WithTags("Images");
        orgs.MapPost("/", Create).RequireAuthorization(Policies.Write).WithName("CreateRegistryCredential")
            .WithSummary("Add a registry credential (host, user name, secret) an organisation's images are pulled with; the secret is stored encrypted and never returned.");
        orgs.MapGet("/", List).RequireAuthorization(Policies.Read).WithName("ListRegistryCredentials")
            .WithSummary("List an organisation's registry credentials, without their secrets.");
        orgs.MapDelete("/{credentialId:guid}", Delete).RequireAuthorization(Policies.Write).WithName("DeleteRegistryCredential")
            .WithSummary("Delete a registry credential.");

        var v = app.MapGroup("/api/apps/{app}/versions/{version}").WithTags("Apps");
        v.MapPut("/image", SetImage).RequireAuthorization(Policies.Write).WithName("SetVersionImage")
            .WithSummary("Submit a container version's image by registry reference (pulled once at its scan, pinned by manifest digest).");
        v.MapPut("/smoke-test", SetSmokeTest).RequireAuthorization(Policies.Write).WithName("SetVersionSmokeTest")
            .WithSummary("Declare a container version's smoke test: a health command or an HTTP port and path.");
        return app;
    }

    public static async Task<Results<Created<RegistryCredentialInfo>, ProblemHttpResult>> Create(
        Guid orgId, CreateRegistryCredentialRequest request, HttpContext http, VendorRegistryCredentials credentials, CancellationToken ct)
    {
        var outcome = await credentials.CreateAsync(http, orgId, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem()
            : TypedResults.Created($"/api/orgs/{orgId}/registry-credentials/{outcome.Value!.Id}", outcome.Value);
    }

    public static async Task<Results<Ok<List<RegistryCredentialInfo>>, ProblemHttpResult>> List(
        Guid orgId, HttpContext http, VendorRegistryCredentials credentials, CancellationToken ct)
    {
        var outcome = await credentials.ListAsync(http, orgId, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid orgId, Guid credentialId, HttpContext http, VendorRegistryCredentials credentials, CancellationToken ct) =>
        await credentials.DeleteAsync(http, orgId, credentialId, ct) is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();

    public static async Task<Results<Ok<VersionInfo>, ProblemHttpResult>> SetImage(
        string app, string version, SetImageRequest request, HttpContext http, VersionImages images, CancellationToken ct)
    {
        var outcome = await images.SetImageAsync(http, app, version, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<Ok<VersionInfo>, ProblemHttpResult>> SetSmokeTest(
        string app, string version, SetSmokeTestRequest request, HttpContext http, VersionImages images, CancellationToken ct)
    {
        var outcome = await images.SetSmokeTestAsync(http, app, version, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }
}
