namespace Gatehouse.Server.Apps;

/// <param name="Endpoints">Web integrations: declared endpoints the probe checks (at most 50; paths starting with "/" or https URLs on the reference's host).</param>
public sealed record CreateVersionRequest(string? Version, string? Reference, IReadOnlyList<string?>? Endpoints = null);
