using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Microsoft.AspNetCore.Mvc;

namespace Gatehouse.Server.Usage;

/// <summary>The services the usage view handlers use, bound as one parameter (<c>[AsParameters]</c>).</summary>
internal sealed record UsageServices(
    [FromServices] AppAccess Access,
    [FromServices] GatehouseDb Db,
    [FromServices] UsageQueries Queries,
    [FromServices] UsageAlertsService Alerts,
    [FromServices] UsageTenantAccess Tenants,
    [FromServices] TimeProvider Time);
