namespace Gatehouse.Cli.Output;

/// <summary>A SARIF <c>result</c> (§3.27): one finding.</summary>
/// <param name="RuleId">ID of a rule passed to <see cref="SarifWriter"/>.</param>
/// <param name="Level">How bad it is.</param>
/// <param name="Message">What is wrong, for people.</param>
/// <param name="Locations">Where; may be empty.</param>
internal sealed record SarifResult(string RuleId, SarifLevel Level, string Message, IReadOnlyList<SarifLocation>? Locations = null);
