using System.CommandLine;
using Gatehouse.Analysis.Vulnerabilities.Matching;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// Where the CLI's local advisory store is: <c>--advisories DIR</c>, else <c>$GATEHOUSE_ADVISORIES</c>, else
/// <c>&lt;data folder&gt;/advisories</c> (see <see cref="CliEnvironment.DataDirectory"/>). A folder named on the command
/// line or in the variable must exist when a command reads it; the default one is simply absent until the first import.
/// </summary>
internal static class AdvisoryStoreLocation
{
    /// <summary>The environment variable naming the store's folder.</summary>
    public const string Variable = "GATEHOUSE_ADVISORIES";

    /// <summary>The said-once line when a scan runs without a store (like the clamd hint).</summary>
    public const string NoStoreHint =
        "vulnerabilities: no advisory store, packages are not matched against advisories (gatehouse advisories import PATH, or --advisories DIR)";

    /// <summary>The shared <c>--advisories DIR</c> option.</summary>
    public static Option<DirectoryInfo?> CreateOption() => new("--advisories")
    {
        Description = $"Advisory store folder (default: ${Variable}, else 'advisories' in the CLI's data folder).",
        HelpName = "dir",
    };

    /// <summary>The folder and whether the user named it (option or variable) rather than it being the default.</summary>
    public static (string Directory, bool Named) Resolve(CliEnvironment env, DirectoryInfo? option)
    {
        if (option is not null) return (option.FullName, true);
        if (env.GetVariable(Variable) is { Length: > 0 } variable)
            return (Path.GetFullPath(variable, env.WorkingDirectory), true);
        return (Path.Combine(env.DataDirectory, "advisories"), false);
    }

    /// <summary>
    /// Opens the store for a scan, or returns null (and says so in one line on stderr) when the default folder does not
    /// exist. A named folder that does not exist is a usage error: the user asked for matching and would not get it.
    /// </summary>
    public static AdvisoryStore? OpenForScan(CliEnvironment env, DirectoryInfo? option)
    {
        var (dir, named) = Resolve(env, option);
        if (!Directory.Exists(dir))
        {
            if (named)
                throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument,
                    $"{(option is null ? "$" + Variable : "--advisories")} {dir}: no such folder (gatehouse advisories import PATH --advisories DIR creates it)");
            env.Err.Write(NoStoreHint + "\n");
            return null;
        }
        return Open(env, dir);
    }

    /// <summary>Opens (creating when missing) the store in <paramref name="dir"/>; a store that cannot be opened is incomplete (exit 3).</summary>
    public static AdvisoryStore Open(CliEnvironment env, string dir)
    {
        try
        {
            return AdvisoryStore.Open(dir, env.TimeProvider);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or InvalidDataException)
        {
            throw new CliException(ExitCodes.Incomplete, CliErrorCodes.AdvisoryStoreUnreadable, $"advisory store {Terminal.Sanitize(dir)}: {e.Message}");
        }
    }
}
