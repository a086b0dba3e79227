using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Analysis.Pipeline;

/// <summary>Reads a policy from JSON (<c>--policy FILE</c>); unknown keys are an error so typos do not silently weaken the gate.</summary>
public static class PolicyFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter() },
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static Policy Parse(string json)
    {
        var policy = JsonSerializer.Deserialize<Policy>(json, Json) ?? throw new JsonException("the policy file is empty");
        var problems = Validate(policy);
        return problems.Count == 0 ? policy : throw new JsonException("the policy is not valid: " + string.Join("; ", problems));
    }

    /// <summary>Values that would weaken or break the gate are refused, not silently ignored.</summary>
    public static IReadOnlyList<string> Validate(Policy p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var problems = new List<string>();
        if (p.MaxTotalUncompressedBytes <= 0) problems.Add("maxTotalUncompressedBytes must be positive");
        if (p.MaxEntryUncompressedBytes <= 0) problems.Add("maxEntryUncompressedBytes must be positive");
        if (p.MaxCompressionRatio < 1) problems.Add("maxCompressionRatio must be at least 1");
        if (p.MaxNestingDepth is < 0 or > 64) problems.Add("maxNestingDepth must be between 0 and 64");
        if (p.MaxEntryCount <= 0) problems.Add("maxEntryCount must be positive");
        if (p.MaxScanTime <= TimeSpan.Zero) problems.Add("maxScanTime must be positive");
        if (p.ReviewAt > p.RejectAt) problems.Add("reviewAt must not be above rejectAt");
        foreach (var h in p.BlockedSha256)
            if (h.Length != 64 || !h.All(char.IsAsciiHexDigit)) problems.Add($"blockedSha256 entry '{h}' is not 64 hex digits");
        var c = p.Charts;
        if (c.MaxTotalBytes <= 0 || c.MaxFileBytes <= 0 || c.MaxFiles <= 0 || c.MaxPathDepth <= 0 || c.MaxRenders <= 0
            || c.MaxRenderBytes <= 0 || c.MaxObjects <= 0 || c.MaxYamlNodes <= 0)
            problems.Add("charts limits must be positive");
        if (c.RenderTimeout <= TimeSpan.Zero) problems.Add("charts.renderTimeout must be positive");
        return problems;
    }

    public static Policy Load(string path) => Parse(File.ReadAllText(path));
}
