namespace Gatehouse.Server.ApiKeys;

public sealed record RotateApiKeyRequest(int? OverlapHours);
