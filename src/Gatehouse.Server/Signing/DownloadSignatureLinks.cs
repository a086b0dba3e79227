using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Downloads;

namespace Gatehouse.Server.Signing;

/// <summary>The bundle and ticket links of a download response (<see cref="IDownloadLinks"/>; <see cref="SignaturesApi.AddDownloadLinksAsync"/>).</summary>
internal sealed class DownloadSignatureLinks(GatehouseDb db) : IDownloadLinks
{
    public Task AddAsync(HttpContext http, AppVersion version, string downloadPath, CancellationToken ct) =>
        SignaturesApi.AddDownloadLinksAsync(http, db, version, downloadPath, ct);
}
