using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace Gatehouse.Server.Gateway;

/// <summary>
/// The last request transform of every gateway route: removes the caller's credentials (Authorization, cookies) and
/// any <c>Gatehouse-*</c> header the client sent (an upstream must never trust a client's copy), then adds the identity
/// headers of the checked call and their signature with the cluster's key.
/// </summary>
internal static class GatewayIdentityTransform
{
    private static readonly string[] Credentials = ["Authorization", "Proxy-Authorization", "Cookie"];

    public static ValueTask ApplyAsync(RequestTransformContext t)
    {
        var http = t.HttpContext;
        var headers = t.ProxyRequest.Headers;
        foreach (var name in Credentials) headers.Remove(name);
        foreach (var name in headers.Select(h => h.Key).Where(IsIdentityHeader).ToList()) headers.Remove(name);
        if (t.ProxyRequest.Content is { } content)
            foreach (var name in content.Headers.Select(h => h.Key).Where(IsIdentityHeader).ToList()) content.Headers.Remove(name);

        // The guard ran before; without its verdict nothing is forwarded with an identity (fail closed).
        var call = http.Features.Get<GatewayCall>() ?? throw new InvalidOperationException("gateway call not checked");
        var cluster = http.GetReverseProxyFeature().Route.Config.ClusterId ?? "";
        var key = http.RequestServices.GetRequiredService<GatewaySigningKeys>().For(cluster)
            ?? throw new InvalidOperationException($"gateway cluster {cluster} has no signing key ({GatewaySigningKeys.Section}:{cluster})");
        var timestamp = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds();
        var target = RequestUtilities.MakeDestinationAddress(t.DestinationPrefix, t.Path, t.Query.QueryString).PathAndQuery;
        var c = call.Caller;
        var appId = c.AppId.ToString();
        var scopes = string.Join(' ', c.Scopes.Order(StringComparer.Ordinal));
        var canonical = GatewayIdentityHeaders.Canonical(t.ProxyRequest.Method.Method, target, timestamp, appId, c.AppSlug, call.Tenant, c.CredentialId, scopes);
        headers.TryAddWithoutValidation(GatewayIdentityHeaders.AppId, appId);
        headers.TryAddWithoutValidation(GatewayIdentityHeaders.App, c.AppSlug);
        headers.TryAddWithoutValidation(GatewayIdentityHeaders.Tenant, call.Tenant);
        headers.TryAddWithoutValidation(GatewayIdentityHeaders.Credential, c.CredentialId);
        headers.TryAddWithoutValidation(GatewayIdentityHeaders.Scopes, scopes);
        headers.TryAddWithoutValidation(GatewayIdentityHeaders.Timestamp, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        headers.TryAddWithoutValidation(GatewayIdentityHeaders.Signature, GatewayIdentityHeaders.Sign(key, canonical));
        return ValueTask.CompletedTask;
    }

    private static bool IsIdentityHeader(string name) => name.StartsWith(GatewayIdentityHeaders.Prefix, StringComparison.OrdinalIgnoreCase);
}
