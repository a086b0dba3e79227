namespace Gatehouse.Server.Usage;

/// <summary><c>GET /api/apps/{app}/usage/installations</c>: the tenants an app called for over [From, To), most calls first.</summary>
internal sealed record UsageInstallationsInfo(string App, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<UsageInstallationInfo> Installations);
