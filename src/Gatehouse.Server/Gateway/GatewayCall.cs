using Gatehouse.Server.Usage;

namespace Gatehouse.Server.Gateway;

/// <summary>A checked gateway call, as an <see cref="HttpContext"/> feature: the guard sets it, the identity transform reads it.</summary>
/// <param name="Caller">The app's credential that made the call.</param>
/// <param name="Tenant">The <c>Gatehouse-Tenant</c> value: the tenant the route names, else the credential's tenant(s).</param>
internal sealed record GatewayCall(PlatformCaller Caller, string Tenant);
