namespace Gatehouse.Server.Usage;

/// <summary>What the metering middleware records for an endpoint, computed once per endpoint and cached.</summary>
/// <param name="Template">The endpoint template: method and route pattern, never the raw path.</param>
/// <param name="Scope">The scope the endpoint's authorization policy requires, or empty.</param>
internal sealed record MeteredEndpointInfo(string Template, string Scope);
