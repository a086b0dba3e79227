using System.Reflection;

namespace Gatehouse.Cli;

/// <summary>The version of this CLI build.</summary>
internal static class CliVersion
{
    /// <summary>The assembly informational version (e.g. <c>1.2.0+3f2c1d9</c>).</summary>
    public static string Value { get; } =
        typeof(CliVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(CliVersion).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";
}
