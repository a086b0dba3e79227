namespace Gatehouse.Server.Evidence;

public sealed record ReviewEvidenceRequest(string? Note);
