namespace Gatehouse.Cli.Output;

/// <summary>
/// A SARIF <c>location</c> (§3.28): a file (with an optional 1-based line) and/or a logical location
/// such as <c>audit/42</c> for things that are not files.
/// </summary>
/// <param name="ArtifactUri">Relative or absolute URI of the file, if the finding is in one.</param>
/// <param name="StartLine">1-based line in <paramref name="ArtifactUri"/>.</param>
/// <param name="LogicalName">Fully qualified logical name, if the finding is not in a file.</param>
/// <param name="LogicalKind">SARIF logical location kind (e.g. <c>object</c>, <c>module</c>).</param>
internal sealed record SarifLocation(string? ArtifactUri = null, int? StartLine = null, string? LogicalName = null, string? LogicalKind = null);
