using Yarp.ReverseProxy.Configuration;

namespace Gatehouse.Server.Gateway;

/// <summary>
/// What a gateway route says about itself in YARP's route <c>Metadata</c> (docs/gateway.md): the scope each method
/// needs (<c>Gatehouse.Scope.GET</c>, or <c>Gatehouse.Scope.*</c> for any other method; HEAD falls back to GET), the
/// endpoint template recorded by metering (<c>Gatehouse.Template</c>, default the route's path), and the route value
/// that names a tenant (<c>Gatehouse.TenantRouteValue</c>).
/// </summary>
internal static class GatewayRouteMetadata
{
    public const string ScopePrefix = "Gatehouse.Scope.";
    public const string Template = "Gatehouse.Template";
    public const string TenantRouteValue = "Gatehouse.TenantRouteValue";

    /// <summary>The scope <paramref name="method"/> needs on <paramref name="route"/>, or null when the route allows no such method.</summary>
    public static string? ScopeFor(RouteConfig route, string method)
    {
        ArgumentNullException.ThrowIfNull(route);
        var m = route.Metadata;
        if (m is null) return null;
        var upper = method.ToUpperInvariant();
        return Value(m, ScopePrefix + upper)
            ?? (upper == "HEAD" ? Value(m, ScopePrefix + "GET") : null)
            ?? Value(m, ScopePrefix + "*");
    }

    /// <summary>The endpoint template metering records for calls of this route.</summary>
    public static string TemplateOf(RouteConfig route)
    {
        ArgumentNullException.ThrowIfNull(route);
        return (route.Metadata is { } m ? Value(m, Template) : null) ?? route.Match.Path ?? route.RouteId;
    }

    /// <summary>The route value naming a tenant, or null.</summary>
    public static string? TenantValueOf(RouteConfig route)
    {
        ArgumentNullException.ThrowIfNull(route);
        return route.Metadata is { } m ? Value(m, TenantRouteValue) : null;
    }

    /// <summary>True when the route declares a scope for at least one method.</summary>
    public static bool HasScopes(RouteConfig route)
    {
        ArgumentNullException.ThrowIfNull(route);
        return route.Metadata?.Any(kv => kv.Key.StartsWith(ScopePrefix, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(kv.Value)) == true;
    }

    private static string? Value(IReadOnlyDictionary<string, string> metadata, string key)
    {
        foreach (var (k, v) in metadata)
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(v)) return v.Trim();
        return null;
    }
}
