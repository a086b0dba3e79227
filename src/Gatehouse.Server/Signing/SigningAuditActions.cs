namespace Gatehouse.Server.Signing;

/// <summary>The audit actions of signing (each has a line in docs/audit.md).</summary>
internal static class SigningAuditActions
{
    /// <summary>An admin made a new platform key (the first one, or a rotation: the previous key is superseded).</summary>
    public const string KeyCreated = "signing.key-created";
    /// <summary>An admin retired a platform key: published as retired, its signatures refused from then on.</summary>
    public const string KeyRetired = "signing.key-retired";
    /// <summary>Gatehouse signed an approved artifact (bundle, ticket, .prov or cosign signature).</summary>
    public const string ArtifactSigned = "signing.artifact-signed";
    /// <summary>A vendor organisation registered a public key.</summary>
    public const string VendorKeyAdded = "signing.vendor-key-added";
    /// <summary>A vendor organisation revoked a registered key.</summary>
    public const string VendorKeyRevoked = "signing.vendor-key-revoked";
    /// <summary>A vendor signature was uploaded with a version and checked (valid or the reason it is not).</summary>
    public const string VendorSignatureChecked = "signing.vendor-signature-checked";
}
