namespace Gatehouse.Cli.Output;

/// <summary>A SARIF <c>reportingDescriptor</c> (§3.49): one rule the tool can report.</summary>
/// <param name="Id">Stable rule ID, such as <c>audit.gap</c>.</param>
/// <param name="ShortDescription">One sentence saying what the rule detects.</param>
/// <param name="DefaultLevel">Level of results that do not set their own.</param>
/// <param name="HelpUri">Absolute link to the rule's documentation, if any.</param>
internal sealed record SarifRule(string Id, string ShortDescription, SarifLevel DefaultLevel = SarifLevel.Error, Uri? HelpUri = null);
