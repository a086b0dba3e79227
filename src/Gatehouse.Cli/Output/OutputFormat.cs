namespace Gatehouse.Cli.Output;

/// <summary>How a command writes its result to stdout (<c>--format</c>).</summary>
internal enum OutputFormat
{
    /// <summary>Human-readable text; the default (value 0, what an absent <c>--format</c> gives).</summary>
    Table = 0,

    /// <summary>One JSON document, camelCase, indented.</summary>
    Json,

    /// <summary>A SARIF 2.1.0 log, for code-scanning tools.</summary>
    Sarif,
}
