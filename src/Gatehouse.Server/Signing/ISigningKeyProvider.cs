using Gatehouse.Analysis.Signing;

namespace Gatehouse.Server.Signing;

/// <summary>
/// Who holds the private half of platform keys. The default, <see cref="SoftwareKeyProvider"/>, keeps it in the database
/// encrypted with the data-protection keys; a KMS or PKCS#11 provider implements this interface, registers it in DI, and is
/// chosen with <c>Signing:Provider</c>. Signing goes through <see cref="ISigner.SignDigest"/>, which is what KMS and HSM
/// APIs offer.
/// </summary>
internal interface ISigningKeyProvider
{
    /// <summary>The provider's name, stored in <see cref="SigningKey.Provider"/>.</summary>
    string Name { get; }

    /// <summary>Makes a new key and fills <paramref name="row"/>'s private-key fields (encrypted key or external handle).</summary>
    ISigner Create(SigningKey row);

    /// <summary>Opens the signer of an existing key row.</summary>
    ISigner Open(SigningKey row);
}
