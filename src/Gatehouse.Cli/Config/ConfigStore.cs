using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Config;

/// <summary>
/// Reads and writes <c>config.json</c>. The file holds a bearer token, so it is created with mode 0600
/// (and its directory 0700) and replaced atomically; it is never world-readable, not even briefly.
/// </summary>
internal static class ConfigStore
{
    public const string ServerVariable = "GATEHOUSE_SERVER";
    public const string TokenVariable = "GATEHOUSE_TOKEN";
    public const string CaCertVariable = "GATEHOUSE_CA_CERT";

    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// The effective config: the file, with <c>GATEHOUSE_SERVER</c> and <c>GATEHOUSE_TOKEN</c> taking
    /// precedence. Null when no server is known.
    /// </summary>
    /// <exception cref="CliException">The file or a variable is malformed (exit code 2).</exception>
    public static CliConfig? Load(CliEnvironment env)
    {
        var file = ReadFile(env);
        var serverText = env.GetVariable(ServerVariable) ?? file?.Server;
        var token = env.GetVariable(TokenVariable) ?? file?.Token;
        var caCert = env.GetVariable(CaCertVariable) is { } fromVariable ? Path.GetFullPath(fromVariable, env.WorkingDirectory) : file?.CaCert;
        if (serverText is null) return null;
        if (!ServerUrl.TryParse(serverText, out var server, out var error))
        {
            var source = env.GetVariable(ServerVariable) is not null ? ServerVariable : env.ConfigFilePath;
            throw new CliException(ExitCodes.Usage, CliErrorCodes.ConfigUnreadable, $"{source}: {error}");
        }
        return new CliConfig(server, string.IsNullOrEmpty(token) ? null : token, string.IsNullOrEmpty(caCert) ? null : caCert);
    }

    /// <summary>Like <see cref="Load"/>, but a server and a token are required.</summary>
    public static CliConfig LoadRequired(CliEnvironment env)
    {
        var config = Load(env);
        if (config?.Token is null)
        {
            throw new CliException(ExitCodes.Usage, CliErrorCodes.NotLoggedIn,
                $"not logged in: run 'gatehouse login --server URL --token -' or set {ServerVariable} and {TokenVariable}");
        }
        return config;
    }

    /// <summary>Writes the config file atomically with mode 0600.</summary>
    public static void Save(CliEnvironment env, Uri server, string token, string? caCert = null)
    {
        var path = env.ConfigFilePath;
        var json = JsonSerializer.Serialize(new ConfigFile { Server = ServerUrl.Display(server), Token = token, CaCert = caCert }, CliJson.Output) + "\n";
        var temp = Path.Combine(env.ConfigDirectory, $".config.json.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
        try
        {
            CreateDirectory(env.ConfigDirectory);
            var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = FileMode;
            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(json);
            }
            // rename(2) replaces the old file, inode and mode included, so an old world-readable file
            // does not keep its mode; set it again anyway in case the umask or file system interfered.
            File.Move(temp, path, overwrite: true);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, FileMode);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new CliException(ExitCodes.Incomplete, CliErrorCodes.ConfigUnwritable, $"cannot write {path}: {ex.Message}", null, ex);
        }
    }

    private static void CreateDirectory(string directory)
    {
        if (Directory.Exists(directory)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, DirectoryMode);
    }

    private static ConfigFile? ReadFile(CliEnvironment env)
    {
        var path = env.ConfigFilePath;
        if (!File.Exists(path)) return null;
        try
        {
            if (!OperatingSystem.IsWindows()
                && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
            {
                Terminal.WriteWarning(env.Err, $"{path} is readable by other users and holds a token; run: chmod 600 '{path}'");
            }
            return JsonSerializer.Deserialize<ConfigFile>(File.ReadAllText(path), CliJson.Input);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new CliException(ExitCodes.Usage, CliErrorCodes.ConfigUnreadable, $"cannot read {path}: {ex.Message}", null, ex);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }
}
