using System.Text.Json;
using Gatehouse.Analysis.Images.Smoke;

namespace Gatehouse.Server.Apps;

/// <summary>
/// What the lifecycle needs to know about a container version's image fields (issue 17), kept here so that <c>Apps/</c>
/// does not depend on <c>Images/</c> (which owns pulls, credentials and smoke declarations, and depends on <c>Apps/</c>).
/// </summary>
internal static class ContainerVersions
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Container versions submitted by reference whose image has not been pulled yet: their scan pulls it.</summary>
    public static bool PullsByReference(App app, AppVersion v)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(v);
        return app.Type == AppTypes.Container && v.ArtifactDigest is null && !string.IsNullOrEmpty(v.Reference);
    }

    /// <summary>The stored smoke-test declaration (<see cref="AppVersion.SmokeSpecJson"/>), or null for none (or one that no longer reads: the default check).</summary>
    public static SmokeSpec? SmokeSpec(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            return JsonSerializer.Deserialize<SmokeSpec>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The stored form of a declaration (null: none).</summary>
    public static string? SmokeSpecJson(SmokeSpec? spec) => spec is null ? null : JsonSerializer.Serialize(spec, Json);
}
