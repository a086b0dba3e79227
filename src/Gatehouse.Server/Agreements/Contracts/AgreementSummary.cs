namespace Gatehouse.Server.Agreements;

public sealed record AgreementSummary(int Version, string Title, string Sha256, DateTimeOffset PublishedAt);
