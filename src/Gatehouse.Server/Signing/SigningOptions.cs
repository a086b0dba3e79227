using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Server.Signing;

/// <summary>Settings in section <c>Signing</c> (docs/signing.md).</summary>
internal sealed class SigningOptions
{
    public const string Section = "Signing";

    /// <summary>Who holds new platform keys: <c>software</c> (default: encrypted in the database) or a registered KMS/HSM provider's name.</summary>
    [Required]
    public string Provider { get; set; } = SoftwareKeyProvider.ProviderName;

    /// <summary>The OpenPGP user id of the platform keys (Helm .prov files name it).</summary>
    [Required, MaxLength(200)]
    public string OpenPgpUserId { get; set; } = "Gatehouse <signing@gatehouse.invalid>";
}
