using System.Security.Claims;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Server.OAuth;

/// <summary>
/// The gate (<see cref="AppAccessGate.RefusalAsync(string, CancellationToken)"/>) inside OpenIddict's own pipelines, for
/// the two paths OpenIddict answers without Gatehouse's endpoints: introspection and access tokens presented to the
/// platform API. The kill switch revokes every token at once; these close the window of a token issued while the
/// switch was being pulled, and keep a suspended app's tokens dead even if a revocation were missed.
/// </summary>
internal static class AppAccessHandlers
{
    /// <summary>The app (client id) a token was issued to: its presenter, else its <c>client_id</c> or <c>azp</c> claim.</summary>
    public static string? ClientOf(ClaimsPrincipal? principal) =>
        principal is null ? null
            : principal.GetPresenters().FirstOrDefault()
              ?? principal.GetClaim(Claims.ClientId)
              ?? principal.GetClaim(Claims.AuthorizedParty);

    /// <summary>Introspection of a token of a suspended or stopped app answers <c>active: false</c> (RFC 7662 §2.2).</summary>
    public sealed class Introspection(AppAccessGate gate) : IOpenIddictServerHandler<OpenIddictServerEvents.ValidateIntrospectionRequestContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ValidateIntrospectionRequestContext>()
                .UseScopedHandler<Introspection>()
                // After OpenIddict resolved and checked the token (the last built-in check is the authorized party).
                .SetOrder(OpenIddictServerHandlers.Introspection.ValidateAuthorizedParty.Descriptor.Order + 1_000)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(OpenIddictServerEvents.ValidateIntrospectionRequestContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (await gate.RefusalAsync(ClientOf(context.GenericTokenPrincipal), context.CancellationToken) is { } refusal)
                // invalid_token is what OpenIddict turns into {"active": false} (NormalizeErrorResponse).
                context.Reject(OpenIddictConstants.Errors.InvalidToken, refusal.Message);
        }
    }

    /// <summary>An access token of a suspended or stopped app is refused by the platform API (401, <c>invalid_token</c>).</summary>
    public sealed class AccessToken(AppAccessGate gate) : IOpenIddictValidationHandler<OpenIddictValidationEvents.ProcessAuthenticationContext>
    {
        public static OpenIddictValidationHandlerDescriptor Descriptor { get; } =
            OpenIddictValidationHandlerDescriptor.CreateBuilder<OpenIddictValidationEvents.ProcessAuthenticationContext>()
                .UseScopedHandler<AccessToken>()
                // After the token (signature, lifetime, audience, token and authorization entries) was validated.
                .SetOrder(OpenIddictValidationHandlers.ValidateAccessToken.Descriptor.Order + 1_000)
                .SetType(OpenIddictValidationHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(OpenIddictValidationEvents.ProcessAuthenticationContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (context.AccessTokenPrincipal is not { } principal) return;
            if (await gate.RefusalAsync(ClientOf(principal), context.CancellationToken) is { } refusal)
                context.Reject(OpenIddictConstants.Errors.InvalidToken, refusal.Message);
        }
    }
}
