namespace Gatehouse.Cli.Engines;

/// <summary>One candidate tried by <see cref="ClamdDiscovery.FindAsync"/>; <see cref="Problem"/> is null when it answered.</summary>
internal sealed record ClamdProbe(string Endpoint, string? Problem);
