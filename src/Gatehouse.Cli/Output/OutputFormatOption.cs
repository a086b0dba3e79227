using System.CommandLine;

namespace Gatehouse.Cli.Output;

/// <summary>The shared <c>--format table|json|sarif</c> option (default <c>table</c>).</summary>
internal static class OutputFormatOption
{
    /// <summary>Creates the option for a command that supports <paramref name="supported"/> (all formats when empty).</summary>
    public static Option<OutputFormat> Create(params OutputFormat[] supported)
    {
        var allowed = supported.Length == 0 ? Enum.GetValues<OutputFormat>() : supported;
        var names = allowed.Select(Name).ToArray();
        var option = new Option<OutputFormat>("--format", "-f")
        {
            Description = $"Output format: {string.Join(", ", names)} (default: {Name(OutputFormat.Table)}).",
            HelpName = string.Join('|', names),
            // No DefaultValueFactory: help would print the enum name ("Table"); an absent option gives
            // default(OutputFormat), which is Table.
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                foreach (var format in allowed)
                {
                    if (string.Equals(Name(format), text, StringComparison.OrdinalIgnoreCase)) return format;
                }
                result.AddError($"unknown format '{text}'; expected one of: {string.Join(", ", names)}");
                return OutputFormat.Table;
            },
        };
        option.CompletionSources.Add(names);
        return option;
    }

    /// <summary>The name of a format as written on the command line.</summary>
    public static string Name(OutputFormat format) => format switch
    {
        OutputFormat.Table => "table",
        OutputFormat.Json => "json",
        OutputFormat.Sarif => "sarif",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
