namespace Gatehouse.Server.Downloads;

public sealed record RotateDownloadKeyRequest(int? OverlapHours);
