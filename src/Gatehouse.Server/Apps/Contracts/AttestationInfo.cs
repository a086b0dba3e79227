namespace Gatehouse.Server.Apps;

public sealed record AttestationInfo(string Name, string Statement, string Sha256, DateTimeOffset AttestedAt, string CatalogVersion);
