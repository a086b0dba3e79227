namespace Gatehouse.Cli.Config;

/// <summary>Where the server is and how to authenticate, after merging the config file and the environment.</summary>
/// <param name="Server">Base URL of the server, with a trailing slash.</param>
/// <param name="Token">Bearer token, if any.</param>
/// <param name="CaCert">PEM file of CAs trusted for the server besides the system's (<c>login --ca-cert</c>, <c>GATEHOUSE_CA_CERT</c>).</param>
internal sealed record CliConfig(Uri Server, string? Token, string? CaCert = null);
