namespace Gatehouse.Server.Usage;

/// <summary>
/// The Prometheus scrape endpoint (<c>Usage:Prometheus</c>). Metrics name apps and endpoints, so the endpoint is not public:
/// it answers only callers from loopback or from <see cref="AllowedNetworks"/>; anyone else falls through to the rest of the server, as if it were off.
/// </summary>
internal sealed class PrometheusOptions
{
    /// <summary>Serve the scrape endpoint.</summary>
    public bool Enabled { get; set; }

    /// <summary>Its path (default <c>/metrics</c>).</summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>Networks besides loopback that may scrape, in CIDR notation (<c>10.0.0.0/8</c>).</summary>
    public List<string> AllowedNetworks { get; set; } = [];
}
