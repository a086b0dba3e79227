namespace Gatehouse.Server.Registry;

/// <summary>
/// One entry of a token's <c>access</c> claim, and of a request's <c>scope</c> parameter: the resource type
/// (<c>repository</c>), its name and the actions (docker distribution, docs/spec/auth/scope.md).
/// </summary>
internal sealed record RegistryAccess(string Type, string Name, IReadOnlyList<string> Actions)
{
    /// <summary>Longest scope string read (a repository name is at most 255 characters).</summary>
    public const int MaxScopeLength = 512;

    /// <summary>
    /// Parses <c>type:name:actions</c> (actions comma-separated; the name may hold a <c>:</c>, e.g. a host's port, so it is
    /// everything between the first and the last colon); null when malformed or over the bounds.
    /// </summary>
    public static RegistryAccess? Parse(string? scope)
    {
        if (string.IsNullOrEmpty(scope) || scope.Length > MaxScopeLength) return null;
        var first = scope.IndexOf(':', StringComparison.Ordinal);
        var last = scope.LastIndexOf(':');
        if (first <= 0 || last <= first + 1) return null;
        var actions = scope[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (actions.Length is 0 or > 8) return null;
        return new RegistryAccess(scope[..first], scope[(first + 1)..last], actions.Distinct(StringComparer.Ordinal).ToArray());
    }
}
