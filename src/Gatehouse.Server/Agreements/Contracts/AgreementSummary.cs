namespace Gatehouse.Server.Agreements;

internal sealed record AgreementSummary(int Version, string Title, string Sha256, DateTimeOffset PublishedAt);
