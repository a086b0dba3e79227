using Microsoft.AspNetCore.Mvc;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Scanning;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Apps;

/// <summary>The services the apps handlers use, bound as one parameter (<c>[AsParameters]</c>).</summary>
internal sealed record AppsServices(
    [FromServices] AppAccess Access,
    [FromServices] GatehouseDb Db,
    [FromServices] AppRegistry Registry,
    [FromServices] VersionDrafts Drafts,
    [FromServices] VersionActions Actions,
    [FromServices] VersionWorkflow Workflow,
    [FromServices] VersionFindings Findings,
    [FromServices] IBlobStore Blobs,
    [FromServices] IOptions<ScanningOptions> Scanning);
