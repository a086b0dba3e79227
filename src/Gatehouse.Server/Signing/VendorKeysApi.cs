using System.Security.Claims;
using Gatehouse.Analysis.Signing;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Server.Signing;

/// <summary>
/// Vendor keys and signatures (docs/signing.md#vendor-signatures): an organisation's registered public keys, and the
/// vendor's Sigstore bundle of a version. The rules live in <see cref="VendorKeys"/> and <see cref="VendorSignatures"/>.
/// </summary>
internal static class VendorKeysApi
{
    public static IEndpointRouteBuilder MapVendorKeysApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var keys = app.MapGroup("/api/orgs/{orgId:guid}/signing-keys").WithTags("Signing");
        keys.MapGet("/", List).RequireAuthorization(Policies.Read).WithName("ListVendorSigningKeys")
            .WithSummary("List an organisation's registered signing keys (active and revoked).");
        keys.MapPost("/", Add).RequireAuthorization(Policies.Write).WithName("AddVendorSigningKey")
            .WithSummary("Register an ECDSA P-256 public key (PEM) with which the organisation signs its submissions (owner).");
        keys.MapPost("/{key}/revoke", Revoke).RequireAuthorization(Policies.Write).WithName("RevokeVendorSigningKey")
            .WithSummary("Revoke a registered key, by id or key id (owner or admin).");

        var v = app.MapGroup("/api/apps/{app}/versions/{version}/signature").WithTags("Signing");
        v.MapGet("/", Get).RequireAuthorization(Policies.Read).WithName("GetVendorSignature")
            .WithSummary("The vendor signature of a version and its status.");
        v.MapPut("/", Upload).RequireAuthorization(Policies.Write).Accepts<Stream>(SigstoreBundle.MediaType, "application/json")
            .DisableAntiforgery().WithName("UploadVendorSignature")
            .WithSummary("Upload the vendor's Sigstore bundle over the version's artifact; verified at once against the organisation's keys.");
        return app;
    }

    public static async Task<Results<Ok<List<VendorKeyInfo>>, ProblemHttpResult>> List(Guid orgId, ClaimsPrincipal user, VendorKeys keys, CancellationToken ct)
    {
        var outcome = await keys.ListAsync(user, orgId, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<Created<VendorKeyInfo>, ProblemHttpResult>> Add(
        Guid orgId, AddVendorKeyRequest request, HttpContext http, VendorKeys keys, CancellationToken ct)
    {
        var outcome = await keys.AddAsync(http, orgId, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Created($"/api/orgs/{orgId}/signing-keys/{outcome.Value!.Id}", outcome.Value);
    }

    public static async Task<Results<Ok<VendorKeyInfo>, ProblemHttpResult>> Revoke(Guid orgId, string key, HttpContext http, VendorKeys keys, CancellationToken ct)
    {
        var outcome = await keys.RevokeAsync(http, orgId, key, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<Ok<VendorSignatureInfo>, ProblemHttpResult>> Get(
        string app, string version, ClaimsPrincipal user, VendorSignatures signatures, CancellationToken ct)
    {
        var outcome = await signatures.GetAsync(user, app, version, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    /// <summary>The raw body is the bundle JSON; nothing is read before the caller, the version and its state are checked.</summary>
    public static async Task<Results<Ok<VendorSignatureInfo>, ProblemHttpResult>> Upload(
        string app, string version, HttpContext http, VendorSignatures signatures, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var outcome = await signatures.UploadAsync(http, app, version, http.Request.Body, http.Request.ContentLength, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }
}
