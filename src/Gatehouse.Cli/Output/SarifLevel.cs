namespace Gatehouse.Cli.Output;

/// <summary>SARIF 2.1.0 <c>result.level</c> (§3.27.10); <c>none</c> is not used.</summary>
internal enum SarifLevel
{
    /// <summary>A serious problem; fails the gate.</summary>
    Error,

    /// <summary>A problem that does not fail the gate on its own.</summary>
    Warning,

    /// <summary>Information.</summary>
    Note,
}
