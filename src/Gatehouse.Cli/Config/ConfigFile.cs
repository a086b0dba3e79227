namespace Gatehouse.Cli.Config;

/// <summary>The JSON shape of <c>config.json</c>: <c>{"server": "...", "token": "...", "caCert": "/path/ca.pem"}</c>.</summary>
internal sealed class ConfigFile
{
    public string? Server { get; init; }

    public string? Token { get; init; }

    public string? CaCert { get; init; }
}
