namespace Gatehouse.Server.Evidence;

internal sealed record ReviewEvidenceRequest(string? Note);
