namespace Gatehouse.Server.Downloads;

internal sealed record DownloadCount(Guid? TenantId, int Downloads, int Requests, long Bytes, DateTimeOffset LastAt);
