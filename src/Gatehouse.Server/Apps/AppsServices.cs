using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Scanning;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Apps;

/// <summary>The services the apps handlers use, bound as one parameter (<c>[AsParameters]</c>).</summary>
internal sealed record AppsServices(
    AppAccess Access, GatehouseDb Db, AppRegistry Registry, VersionDrafts Drafts, VersionActions Actions, VersionWorkflow Workflow,
    VersionFindings Findings, IBlobStore Blobs, IOptions<ScanningOptions> Scanning);
