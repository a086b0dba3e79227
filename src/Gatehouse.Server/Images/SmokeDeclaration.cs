using Gatehouse.Analysis.Images.Smoke;

namespace Gatehouse.Server.Images;

/// <summary>
/// The rules of a vendor's smoke-test declaration (<see cref="SetSmokeTestRequest"/>) and how it is stored on the version
/// (<see cref="Apps.AppVersion.SmokeSpecJson"/>): bounded lengths, a command or an HTTP check (not both), port 1-65535,
/// a path starting with '/' without spaces or control characters.
/// </summary>
internal static class SmokeDeclaration
{
    public const int MaxArguments = 32;
    public const int MaxArgumentLength = 1024;
    public const int MaxCommandLength = 4096;
    public const int MaxPathLength = 1024;

    /// <summary>The spec declared by <paramref name="request"/>, or why it is refused. All fields empty: null (the default check).</summary>
    public static (SmokeSpec? Spec, string? Problem) Validate(SetSmokeTestRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var command = request.Command;
        if (command is { Count: 0 }) command = null;
        if (command is not null && request.HttpPort is not null) return (null, "declare either a command or an HTTP check, not both");
        if (command is null && request.HttpPort is null)
            return request.HttpPath is null ? (null, null) : (null, "httpPath needs httpPort");
        if (command is not null)
        {
            if (command.Count > MaxArguments) return (null, $"command has at most {MaxArguments} arguments");
            if (command.Any(a => string.IsNullOrEmpty(a) || a.Length > MaxArgumentLength || a.Contains('\0')))
                return (null, $"every command argument is 1-{MaxArgumentLength} characters, without NUL");
            if (command.Sum(a => a!.Length) > MaxCommandLength) return (null, $"command is at most {MaxCommandLength} characters in all");
            if (!command[0]!.StartsWith('/')) return (null, "the command's program must be an absolute path inside the image (e.g. /bin/wget)");
            return (new SmokeSpec(command.Select(a => a!).ToList()), null);
        }
        if (request.HttpPort is not (>= 1 and <= 65535)) return (null, "httpPort must be 1-65535");
        var path = request.HttpPath ?? "/";
        if (path.Length > MaxPathLength || !path.StartsWith('/') || path.StartsWith("//", StringComparison.Ordinal)
            || path.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            return (null, $"httpPath must start with a single '/', be at most {MaxPathLength} characters, without spaces or control characters");
        return (new SmokeSpec(null, request.HttpPort, path), null);
    }

    /// <summary>The stored form of <paramref name="spec"/> (null: the default check).</summary>
    public static string? ToJson(SmokeSpec? spec) => Apps.ContainerVersions.SmokeSpecJson(spec);

    /// <summary>The stored declaration, or null for none (or one that no longer reads: the default check).</summary>
    public static SmokeSpec? Parse(string? json) => Apps.ContainerVersions.SmokeSpec(json);
}
