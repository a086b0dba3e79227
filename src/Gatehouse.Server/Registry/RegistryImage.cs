namespace Gatehouse.Server.Registry;

/// <summary>
/// A container version as pushed to the gated registry (table <c>registry_images</c>): where it is, the manifest digest the
/// registry answered (equal to the reviewed manifest digest), and whether it was removed again (quarantine, suspension,
/// delisting). One row per version; a re-push after reinstatement updates it.
/// </summary>
internal sealed class RegistryImage
{
    public Guid VersionId { get; set; }
    public Guid AppId { get; set; }
    /// <summary><c>apps/&lt;app-slug&gt;</c>.</summary>
    public required string Repository { get; set; }
    /// <summary>The version (characters a tag may not hold replaced by <c>-</c>).</summary>
    public required string Tag { get; set; }
    /// <summary><c>sha256:&lt;hex&gt;</c> of the manifest bytes pushed, as the registry confirmed it.</summary>
    public required string ManifestDigest { get; set; }
    public required string MediaType { get; set; }
    public DateTimeOffset PushedAt { get; set; }
    /// <summary>When the manifest was deleted from the registry; null while it is served.</summary>
    public DateTimeOffset? RemovedAt { get; set; }
}
