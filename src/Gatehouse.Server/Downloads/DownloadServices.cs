using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Downloads;

/// <summary>What the download endpoint (<see cref="DownloadsApi.Serve"/>) uses, bound as one parameter (<c>[AsParameters]</c>).</summary>
internal sealed record DownloadServices(
    DownloadKeyRing Ring, GatehouseDb Db, IBlobStore Blobs, IOptions<DownloadOptions> Options, TimeProvider Time, AuditLog Audit,
    DownloadMetrics Metrics, DownloadCountWindow CountWindow, ILoggerFactory Loggers);
