namespace Gatehouse.Server.Signing;

/// <summary>
/// One signature Gatehouse made over an approved version's artifact (table <c>artifact_signatures</c>): a Sigstore bundle
/// (files), an approval ticket (every artifact), a Helm <c>.prov</c> (charts) or a cosign simple-signing signature (images).
/// One row per version and kind; signing is idempotent, so a re-driven signing item finds the row and does nothing.
/// </summary>
internal sealed class ArtifactSignature
{
    public Guid Id { get; set; }
    public Guid VersionId { get; set; }
    public Guid AppId { get; set; }
    /// <summary>One of <see cref="ArtifactSignatureKinds"/>.</summary>
    public required string Kind { get; set; }
    /// <summary>The platform key that signed (<see cref="SigningKey.Id"/>).</summary>
    public required string KeyId { get; set; }
    /// <summary>What was signed: <c>sha256:&lt;hex&gt;</c> of the artifact, or of the image manifest for <c>cosign</c>.</summary>
    public required string SubjectDigest { get; set; }
    /// <summary>The bytes served: the bundle or ticket JSON, the .prov text, or the cosign payload JSON.</summary>
    public required byte[] Content { get; set; }
    /// <summary>The base64 signature over <see cref="Content"/> (cosign only: it travels as a manifest annotation); else null.</summary>
    public string? Signature { get; set; }
    public required string MediaType { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
