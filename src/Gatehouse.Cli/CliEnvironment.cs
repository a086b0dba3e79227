using System.Collections;

namespace Gatehouse.Cli;

/// <summary>
/// Everything the CLI takes from its process: streams, environment variables, config directory,
/// HTTP transport and clock. <see cref="FromProcess"/> gives the real ones; tests (and the server's
/// end-to-end tests, which pass <c>WebApplicationFactory.Server.CreateHandler</c>) build their own.
/// </summary>
public sealed class CliEnvironment
{
    /// <summary>Default timeout of one HTTP request.</summary>
    public static readonly TimeSpan DefaultHttpTimeout = TimeSpan.FromSeconds(100);

    private static readonly Lazy<HttpMessageHandler> SharedHandler = new(CreateDefaultHandler);

    /// <summary>Standard output: results (tables, JSON, SARIF).</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Standard error: errors, warnings and progress.</summary>
    public required TextWriter Err { get; init; }

    /// <summary>Standard input, read by <c>login --token -</c>.</summary>
    public TextReader In { get; init; } = TextReader.Null;

    /// <summary>Directory holding <c>config.json</c>; see <see cref="ResolveConfigDirectory"/>.</summary>
    public required string ConfigDirectory { get; init; }

    /// <summary>
    /// Returns the HTTP handler for one command invocation. The CLI never disposes it, so a factory
    /// may return a shared handler; the owner of the handler disposes it.
    /// </summary>
    public Func<HttpMessageHandler> HttpHandlerFactory { get; init; } = () => SharedHandler.Value;

    /// <summary>
    /// Given a PEM file of CAs, returns the HTTP handler for a server whose certificate chains to one of them
    /// (besides the system's CAs). Tests may replace it.
    /// </summary>
    public Func<string, HttpMessageHandler> TrustingHandlerFactory { get; init; } = Http.TrustedCaHandlers.Get;

    /// <summary>The handler for one request: <see cref="TrustingHandlerFactory"/> with a CA file, else <see cref="HttpHandlerFactory"/>.</summary>
    public HttpMessageHandler HandlerFor(string? caCertFile) => caCertFile is null ? HttpHandlerFactory() : TrustingHandlerFactory(caCertFile);

    /// <summary>Timeout of one HTTP request.</summary>
    public TimeSpan HttpTimeout { get; init; } = DefaultHttpTimeout;

    /// <summary>
    /// Environment variables (names are case-sensitive). <c>GATEHOUSE_SERVER</c> and <c>GATEHOUSE_TOKEN</c>
    /// override the stored config, for CI.
    /// </summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();

    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The directory relative paths are resolved against (<c>download</c> writes there by default).</summary>
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>Whether stderr is a terminal; progress is shown only then.</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>
    /// Directory for the CLI's local data (the clamd that <c>gatehouse engines start</c> runs); see <see cref="ResolveDataDirectory"/>.
    /// Created only by the commands that write there. The default (for environments built in code) is a fresh folder name
    /// that nothing else uses, so that no test finds another's clamd; <see cref="FromProcess"/> gives the user's.
    /// </summary>
    public string DataDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "gatehouse-cli-data-" + Guid.NewGuid().ToString("N"));

    /// <summary>
    /// clamd endpoints <c>check</c> tries, in order, when neither <c>--clamd</c> nor <c>GATEHOUSE_CLAMD</c> names one
    /// (after the clamd that <c>gatehouse engines start</c> runs). <see cref="FromProcess"/> gives the places the
    /// operating systems' ClamAV packages listen (<see cref="Engines.ClamdDiscovery.SystemEndpoints"/>); empty by default,
    /// so a test never finds a clamd it did not start.
    /// </summary>
    public IReadOnlyList<string> ClamdCandidates { get; init; } = [];

    /// <summary>Path of the config file inside <see cref="ConfigDirectory"/>.</summary>
    public string ConfigFilePath => Path.Combine(ConfigDirectory, "config.json");

    /// <summary>Returns the value of an environment variable, or null when unset or empty.</summary>
    public string? GetVariable(string name) =>
        Variables.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    /// <summary>The environment of the current process.</summary>
    public static CliEnvironment FromProcess()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value) variables[key] = value;
        }
        return new CliEnvironment
        {
            Out = Console.Out,
            Err = Console.Error,
            In = Console.In,
            Variables = variables,
            ConfigDirectory = ResolveConfigDirectory(variables, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)),
            DataDirectory = ResolveDataDirectory(variables, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)),
            ClamdCandidates = Engines.ClamdDiscovery.SystemEndpoints,
            ErrorIsTerminal = !Console.IsErrorRedirected,
        };
    }

    /// <summary>
    /// The config directory: <c>$GATEHOUSE_CONFIG_DIR</c>, else <c>$XDG_CONFIG_HOME/gatehouse</c>, else
    /// <c>~/.config/gatehouse</c>. A relative <c>XDG_CONFIG_HOME</c> is ignored (XDG Base Directory spec).
    /// </summary>
    public static string ResolveConfigDirectory(IReadOnlyDictionary<string, string> variables, string homeDirectory)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(homeDirectory);
        if (variables.TryGetValue("GATEHOUSE_CONFIG_DIR", out var explicitDir) && !string.IsNullOrEmpty(explicitDir))
            return Path.GetFullPath(explicitDir);
        if (variables.TryGetValue("XDG_CONFIG_HOME", out var xdg) && !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg))
            return Path.Combine(xdg, "gatehouse");
        return Path.Combine(homeDirectory, ".config", "gatehouse");
    }

    /// <summary>
    /// The data directory: <c>$GATEHOUSE_DATA_DIR</c>, else <c>$XDG_DATA_HOME/gatehouse</c>, else
    /// <c>~/.local/share/gatehouse</c>. A relative <c>XDG_DATA_HOME</c> is ignored (XDG Base Directory spec).
    /// </summary>
    public static string ResolveDataDirectory(IReadOnlyDictionary<string, string> variables, string homeDirectory)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(homeDirectory);
        if (variables.TryGetValue("GATEHOUSE_DATA_DIR", out var explicitDir) && !string.IsNullOrEmpty(explicitDir))
            return Path.GetFullPath(explicitDir);
        if (variables.TryGetValue("XDG_DATA_HOME", out var xdg) && !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg))
            return Path.Combine(xdg, "gatehouse");
        return Path.Combine(homeDirectory, ".local", "share", "gatehouse");
    }

    /// <summary>The CLI's network handler: no redirects, a connect timeout, decompression.</summary>
    internal static SocketsHttpHandler CreateDefaultHandler() => new()
    {
        // .NET drops the Authorization header on redirects; failing with the new location is clearer.
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        AutomaticDecompression = System.Net.DecompressionMethods.All,
    };
}
