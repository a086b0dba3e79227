using Microsoft.AspNetCore.Mvc;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Downloads;

/// <summary>What the download endpoint (<see cref="DownloadsApi.Serve"/>) uses, bound as one parameter (<c>[AsParameters]</c>).</summary>
internal sealed record DownloadServices(
    [FromServices] DownloadKeyRing Ring,
    [FromServices] GatehouseDb Db,
    [FromServices] IBlobStore Blobs,
    [FromServices] IOptions<DownloadOptions> Options,
    [FromServices] TimeProvider Time,
    [FromServices] AuditLog Audit,
    [FromServices] DownloadMetrics Metrics,
    [FromServices] DownloadCountWindow CountWindow,
    [FromServices] ILoggerFactory Loggers,
    [FromServices] IEnumerable<IDownloadLinks> Links);
