using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Server.Signing;

/// <summary>
/// The platform keys (docs/signing.md): the admin API under <c>/api/signing/keys</c> (admin role and admin scope; no body
/// is read), and the published public keys under <c>/.well-known/gatehouse/</c> (anonymous: customers verify offline with
/// them; served from the in-memory ring, so they cost no database query and reveal nothing that is not public).
/// </summary>
internal static class PlatformKeysApi
{
    public const string WellKnown = "/.well-known/gatehouse";
    /// <summary>The header on a single key's PEM: <c>active</c>, <c>superseded</c> or <c>retired</c>.</summary>
    public const string StatusHeader = "Gatehouse-Key-Status";
    public const string PemMediaType = "application/x-pem-file";
    public const string KeyringMediaType = "application/pgp-keys";
    // Short: a rotation or retirement should reach verifiers soon; the ring itself reloads every 30 seconds.
    private const string PublicCache = "public, max-age=60";

    public static IEndpointRouteBuilder MapPlatformKeysApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var admin = app.MapGroup("/api/signing/keys").WithTags("Signing").RequireAuthorization(Policies.Admin);
        admin.MapGet("/", List).WithName("ListSigningKeys").WithSummary("List the platform signing keys with their status and dates.");
        admin.MapPost("/", Rotate).WithName("RotateSigningKey").WithSummary("Create a new platform signing key; the previous active key is superseded (still published).");
        admin.MapPost("/{kid}/retire", Retire).WithName("RetireSigningKey").WithSummary("Retire a superseded platform key: published as retired, its signatures refused.");

        var published = app.MapGroup(WellKnown).WithTags("Signing").AllowAnonymous();
        published.MapGet("/keys", Jwks).Produces(StatusCodes.Status200OK, contentType: "application/json")
            .WithName("GetPublishedKeys").WithSummary("The platform's public keys as a JWKS (active and superseded in keys, retired ones in retired).");
        published.MapGet("/keys.pem", ActivePem).Produces(StatusCodes.Status200OK, contentType: PemMediaType)
            .WithName("GetActiveKeyPem").WithSummary("The active platform key's PEM (cosign verify --key, openssl).");
        published.MapGet("/keys/{kid}.pem", KeyPem).Produces(StatusCodes.Status200OK, contentType: PemMediaType)
            .WithName("GetKeyPem").WithSummary("One platform key's PEM, retired ones included (header Gatehouse-Key-Status).");
        published.MapGet("/pubring.gpg", Keyring).Produces(StatusCodes.Status200OK, contentType: KeyringMediaType)
            .WithName("GetPublishedKeyring").WithSummary("The OpenPGP public keyring of the active and superseded keys (helm verify --keyring).");
        return app;
    }

    public static async Task<Ok<IReadOnlyList<PlatformKeyView>>> List(PlatformKeys keys, CancellationToken ct) =>
        TypedResults.Ok(await keys.ListAsync(ct));

    public static async Task<Results<Created<RotatedPlatformKey>, ProblemHttpResult>> Rotate(HttpContext http, PlatformKeys keys, CancellationToken ct)
    {
        var outcome = await keys.RotateAsync(http, ct);
        return outcome.Value is { } rotated ? TypedResults.Created(rotated.Key.PemUrl, rotated) : outcome.Refusal!.ToProblem();
    }

    public static async Task<Results<Ok<PlatformKeyView>, ProblemHttpResult>> Retire(string kid, HttpContext http, PlatformKeys keys, CancellationToken ct)
    {
        var outcome = await keys.RetireAsync(http, kid, ct);
        return outcome.Value is { } view ? TypedResults.Ok(view) : outcome.Refusal!.ToProblem();
    }

    public static async Task<ContentHttpResult> Jwks(HttpContext http, PlatformKeyRing ring, CancellationToken ct)
    {
        var keys = await ring.KeysAsync(ct);
        http.Response.Headers.CacheControl = PublicCache;
        return TypedResults.Text(PublishedKeys.Jwks(keys), "application/json");
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> ActivePem(HttpContext http, PlatformKeyRing ring, CancellationToken ct)
    {
        // No key is made here: an anonymous request never writes; until the first signature there is nothing to verify.
        if (PublishedKeys.Active(await ring.KeysAsync(ct)) is not { } active) return Problems.NotFound("Active signing key");
        http.Response.Headers.CacheControl = PublicCache;
        http.Response.Headers[StatusHeader] = PlatformKeyStatus.Active;
        return TypedResults.Text(active.PublicKeyPem, PemMediaType);
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> KeyPem(string kid, HttpContext http, PlatformKeyRing ring, CancellationToken ct)
    {
        var keys = await ring.KeysAsync(ct);
        var key = keys.FirstOrDefault(k => string.Equals(k.Id, kid, StringComparison.Ordinal));
        if (key is null) return Problems.NotFound("Signing key");
        // A retired key's PEM is still served (old signatures can be examined), marked so that nobody trusts it unawares.
        http.Response.Headers.CacheControl = PublicCache;
        http.Response.Headers[StatusHeader] = PlatformKeyStatus.Of(key, PlatformKeyStatus.ActiveId(keys));
        return TypedResults.Text(key.PublicKeyPem, PemMediaType);
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Keyring(HttpContext http, PlatformKeyRing ring, CancellationToken ct)
    {
        var bytes = await ring.PublicKeyringAsync(ct);
        if (bytes.Length == 0) return Problems.NotFound("Published signing key");
        http.Response.Headers.CacheControl = PublicCache;
        return TypedResults.File(bytes, KeyringMediaType, "pubring.gpg");
    }
}
