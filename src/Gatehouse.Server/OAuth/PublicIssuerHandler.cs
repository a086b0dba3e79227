using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;

namespace Gatehouse.Server.OAuth;

/// <summary>
/// OpenIddict derives the base of every URL it announces (the discovery document's endpoints) from the request's
/// scheme, <c>Host</c> and path base, which the client chooses. This re-anchors each OAuth request at the configured
/// <see cref="PublicUrl"/> right after OpenIddict read it, so the issuer and every endpoint name the public URL
/// whatever the <c>Host</c> header says (issue 12, item 6). The request is still served: only the announced URLs change.
/// </summary>
internal sealed class PublicIssuerHandler(PublicUrl url) : IOpenIddictServerHandler<OpenIddictServerEvents.ProcessRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ProcessRequestContext>()
            .UseSingletonHandler<PublicIssuerHandler>()
            // Right after OpenIddict's ASP.NET Core host resolved the request and base URIs, before it matches the endpoint.
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ResolveRequestUri.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(OpenIddictServerEvents.ProcessRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.BaseUri is { } requestBase && context.RequestUri is { } requestUri
            && requestUri.AbsoluteUri.StartsWith(requestBase.AbsoluteUri, StringComparison.Ordinal))
        {
            var relative = requestUri.AbsoluteUri[requestBase.AbsoluteUri.Length..].TrimStart('/');
            context.BaseUri = url.Base;
            context.RequestUri = new Uri(url.Base, relative);
        }
        else if (context.BaseUri is not null)
        {
            context.BaseUri = url.Base;
        }
        return ValueTask.CompletedTask;
    }
}
