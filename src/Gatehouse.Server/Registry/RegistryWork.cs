using System.Text.Json;

namespace Gatehouse.Server.Registry;

/// <summary>The registry's work kinds and their payload (<c>{"versionId": "..."}</c>).</summary>
internal static class RegistryWork
{
    public const string Publish = "registry.publish";
    public const string Unpublish = "registry.unpublish";

    /// <summary>Attempts per item (a registry that is down for a while is retried with back-off).</summary>
    public const int MaxAttempts = 5;

    public static string Payload(Guid versionId) => JsonSerializer.Serialize(new { versionId });

    public static Guid VersionOf(string payload)
    {
        using var doc = JsonDocument.Parse(payload);
        return doc.RootElement.GetProperty("versionId").GetGuid();
    }
}
