namespace Gatehouse.Cli.Engines;

/// <summary>The endpoint <see cref="ClamdDiscovery.FindAsync"/> found (null: none), and every candidate it tried.</summary>
internal sealed record ClamdDiscoveryResult(string? Endpoint, IReadOnlyList<ClamdProbe> Tried);
