namespace Gatehouse.Server.Downloads;

public sealed record DownloadKeyRotated(string Id);
