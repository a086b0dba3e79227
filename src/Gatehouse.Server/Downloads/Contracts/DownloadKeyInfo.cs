namespace Gatehouse.Server.Downloads;

public sealed record DownloadKeyInfo(string Id, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RetiresAt, bool Signing, bool Verifies);
