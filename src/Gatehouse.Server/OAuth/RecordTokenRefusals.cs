using Gatehouse.Server.Audit;
using OpenIddict.Server;
using Microsoft.AspNetCore;
using OidcErrors = OpenIddict.Abstractions.OpenIddictConstants.Errors;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Gatehouse.Server.OAuth;

/// <summary>
/// Records <c>invalid_client</c> and <c>invalid_grant</c> answers of the token endpoint as security refusals
/// (docs/audit.md#security-refusals), whichever OpenIddict handler or our passthrough produced them.
/// </summary>
internal sealed class RecordTokenRefusals(SecurityRefusals refusals) : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseSingletonHandler<RecordTokenRefusals>()
            .SetOrder(int.MinValue + 100_000) // before the response is written
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var error = context.Response?.Error;
        if (error is not (OidcErrors.InvalidClient or OidcErrors.InvalidGrant)) return ValueTask.CompletedTask;
        var http = context.Transaction.GetHttpRequest()?.HttpContext;
        var address = http?.Connection.RemoteIpAddress?.ToString();
        var clientId = context.Request?.ClientId;
        if (error == OidcErrors.InvalidClient)
        {
            // The client did not authenticate: the caller is the address; the client id it claimed is only a subject.
            refusals.Record(RefusalReasons.OAuthInvalidClient, "anonymous", address, "client:" + (clientId ?? "-"));
        }
        else
        {
            // invalid_grant comes after the client is known (OpenIddict refuses an unknown client_id first).
            refusals.Record(RefusalReasons.OAuthInvalidGrant, clientId is null ? "anonymous" : "client:" + clientId, address,
                "grant_type:" + (context.Request?.GrantType ?? "-"));
        }
        return ValueTask.CompletedTask;
    }
}
