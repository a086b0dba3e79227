namespace Gatehouse.Cli.Engines;

/// <summary>What <see cref="LocalClamd.StartAsync"/> did: where clamd listens, its PID, and the signature files it loaded.</summary>
internal sealed record LocalClamdStart(string Endpoint, int Pid, bool AlreadyRunning, IReadOnlyList<string> Bundled, IReadOnlyList<string> Linked);
