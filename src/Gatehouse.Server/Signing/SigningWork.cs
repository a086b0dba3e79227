using System.Text.Json;

namespace Gatehouse.Server.Signing;

/// <summary>The signing work kind and its payload (<c>{"versionId": "..."}</c>).</summary>
internal static class SigningWork
{
    /// <summary>Signs a version that became published: <see cref="ArtifactSigner.SignVersionAsync"/>.</summary>
    public const string Sign = "signing.sign";

    /// <summary>Attempts per item (a key provider that is down for a while is retried with back-off).</summary>
    public const int MaxAttempts = 5;

    public static string Payload(Guid versionId) => JsonSerializer.Serialize(new { versionId });

    public static Guid VersionOf(string payload)
    {
        using var doc = JsonDocument.Parse(payload);
        return doc.RootElement.GetProperty("versionId").GetGuid();
    }
}
