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

    public static Policy Parse(string json) =>
        JsonSerializer.Deserialize<Policy>(json, Json) ?? throw new JsonException("the policy file is empty");

    public static Policy Load(string path) => Parse(File.ReadAllText(path));
}
