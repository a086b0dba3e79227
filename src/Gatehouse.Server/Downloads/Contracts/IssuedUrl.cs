namespace Gatehouse.Server.Downloads;

public sealed record IssuedUrl(string Url, DateTimeOffset ExpiresAt, string Digest, long Size, string FileName, string ContentType, string? KeyId, string Via);
