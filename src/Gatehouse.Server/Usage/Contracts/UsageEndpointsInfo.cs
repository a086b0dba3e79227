namespace Gatehouse.Server.Usage;

/// <summary><c>GET /api/apps/{app}/usage/endpoints</c>: an app's most called endpoints over [From, To), most calls first.</summary>
internal sealed record UsageEndpointsInfo(string App, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<UsageEndpointInfo> Endpoints);
