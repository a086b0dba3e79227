using System.Text.Json;

namespace Gatehouse.Server.Scanning.Probes;

/// <summary>
/// A web integration's declared endpoints (<c>AppVersion.EndpointsJson</c>): paths starting with
/// <c>/</c> or https URLs on the reference's host, which the probe checks refuse missing and forged credentials.
/// </summary>
internal static class ProbeEndpoints
{
    public const int MaxCount = 50;
    public const int MaxLength = 2000;
    /// <summary>The column's size (<c>app_versions.EndpointsJson</c>).</summary>
    public const int MaxJsonLength = 8000;

    /// <summary>Null when <paramref name="endpoints"/> are acceptable for <paramref name="reference"/>, else what is wrong.</summary>
    public static string? Problem(IReadOnlyList<string?>? endpoints, string? reference)
    {
        if (endpoints is null) return null;
        if (endpoints.Count > MaxCount) return $"endpoints: at most {MaxCount}";
        Uri? baseUrl = reference is not null && Uri.TryCreate(reference, UriKind.Absolute, out var b) ? b : null;
        foreach (var e in endpoints)
        {
            if (string.IsNullOrWhiteSpace(e) || e.Length > MaxLength || e.Any(char.IsControl) || e.Any(char.IsWhiteSpace))
                return $"endpoints: each is 1-{MaxLength} characters without spaces or control characters";
            if (e.StartsWith('/'))
            {
                if (e.StartsWith("//", StringComparison.Ordinal)) return $"endpoints: {Clip(e)} is a network-path reference; give a path or an https URL";
                continue;
            }
            if (!Uri.TryCreate(e, UriKind.Absolute, out var u) || u.Scheme != Uri.UriSchemeHttps || !string.IsNullOrEmpty(u.UserInfo))
                return $"endpoints: {Clip(e)} is neither a path starting with '/' nor an https URL";
            if (baseUrl is null) return "endpoints: absolute URLs need the version's reference (its base URL) to compare hosts with";
            if (!string.Equals(u.IdnHost, baseUrl.IdnHost, StringComparison.OrdinalIgnoreCase) || u.Port != baseUrl.Port)
                return $"endpoints: {Clip(e)} is not on the reference's host ({baseUrl.Authority})";
        }
        if (Serialize(endpoints!).Length > MaxJsonLength) return $"endpoints: at most {MaxJsonLength} characters together";
        return null;
    }

    /// <summary>The JSON stored in <c>AppVersion.EndpointsJson</c>; null for none.</summary>
    public static string? ToJson(IReadOnlyList<string?>? endpoints) =>
        endpoints is null || endpoints.Count == 0 ? null : Serialize(endpoints);

    /// <summary>The declared endpoints; throws <see cref="JsonException"/> for a malformed column.</summary>
    public static IReadOnlyList<string> Parse(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<string>>(json) ?? [];

    private static string Serialize(IReadOnlyList<string?> endpoints) => JsonSerializer.Serialize(endpoints.Distinct(StringComparer.Ordinal));

    private static string Clip(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
