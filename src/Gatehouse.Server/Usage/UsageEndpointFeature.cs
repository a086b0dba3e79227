namespace Gatehouse.Server.Usage;

/// <summary>
/// What an endpoint tells the metering middleware about the current call, as an <see cref="HttpContext"/> feature.
/// Minimal-API endpoints need none (their route pattern is the template); the gateway sets it for proxied routes, and
/// a handler sets <see cref="NotInstalledTenant"/> when a call names a tenant the app is not installed in.
/// </summary>
internal sealed class UsageEndpointFeature
{
    /// <summary>The endpoint template to record, overriding the route pattern.</summary>
    public string? Template { get; set; }

    /// <summary>The scope the endpoint requires.</summary>
    public string? Scope { get; set; }

    /// <summary>The call named this tenant, where the app is not installed.</summary>
    public Guid? NotInstalledTenant { get; set; }

    /// <summary>The call followed a next-page cursor.</summary>
    public bool Page { get; set; }

    /// <summary>The call was refused for a scope the credential lacks.</summary>
    public bool ScopeViolation { get; set; }

    /// <summary>The app and credential a refused credential belongs to (a known API key with a wrong secret, an expired key).</summary>
    public Guid? RefusedAppId { get; set; }

    /// <summary>The credential id of <see cref="RefusedAppId"/>.</summary>
    public string? RefusedCredentialId { get; set; }

    /// <summary>The feature of the call, created on first use.</summary>
    public static UsageEndpointFeature Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var feature = context.Features.Get<UsageEndpointFeature>();
        if (feature is null) context.Features.Set(feature = new UsageEndpointFeature());
        return feature;
    }
}
