namespace Gatehouse.Server.Agreements;

public sealed record AcceptAgreementRequest(int Version, string? Sha256);
