namespace Gatehouse.Analysis.Probes;

/// <summary>What to probe: a web integration's base URL, its declared endpoints and its lifecycle-webhook URL.</summary>
/// <param name="BaseUrl">Absolute https URL; its response is checked for TLS, certificate, HSTS, headers and cookies.</param>
public sealed record ProbeTarget(Uri BaseUrl)
{
    /// <summary>Declared endpoints (paths relative to <see cref="BaseUrl"/>, or absolute URLs on the same host) that must refuse unauthenticated and forged requests.</summary>
    public IReadOnlyList<string> Endpoints { get; init; } = [];

    /// <summary>The lifecycle-webhook URL (same host as <see cref="BaseUrl"/>); it must refuse unsigned and wrongly signed deliveries.</summary>
    public Uri? WebhookUrl { get; init; }

    /// <summary>
    /// Optional <c>Authorization</c> header value a vendor supplies for testing; when set, each declared
    /// endpoint's authenticated response must carry <c>Cache-Control: no-store</c>. Never logged or reported.
    /// </summary>
    public string? Credential { get; init; }
}
