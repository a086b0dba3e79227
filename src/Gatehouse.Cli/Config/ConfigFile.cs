namespace Gatehouse.Cli.Config;

/// <summary>The JSON shape of <c>config.json</c>: <c>{"server": "...", "token": "..."}</c>.</summary>
internal sealed class ConfigFile
{
    public string? Server { get; init; }

    public string? Token { get; init; }
}
