namespace Gatehouse.Server.Downloads;

public sealed record DownloadCount(Guid? TenantId, int Downloads, int Requests, long Bytes, DateTimeOffset LastAt);
