namespace Gatehouse.Server.Downloads;

public sealed record InstallRequest(string? App);
