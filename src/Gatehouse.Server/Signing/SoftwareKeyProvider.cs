using Gatehouse.Analysis.Signing;
using Microsoft.AspNetCore.DataProtection;

namespace Gatehouse.Server.Signing;

/// <summary>
/// Platform keys held by Gatehouse itself: generated in process, the PKCS#8 PEM stored encrypted by ASP.NET Core data
/// protection (purpose <c>Gatehouse.Signing.PlatformKeys.v1</c>), so a copy of the database alone does not give the key.
/// </summary>
internal sealed class SoftwareKeyProvider(IDataProtectionProvider protection) : ISigningKeyProvider
{
    public const string ProviderName = "software";
    private readonly IDataProtector _protector = protection.CreateProtector("Gatehouse.Signing.PlatformKeys.v1");

    public string Name => ProviderName;

    public ISigner Create(SigningKey row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var signer = EcdsaP256Signer.Generate();
        row.ProtectedPrivateKey = _protector.Protect(signer.ExportPkcs8Pem());
        row.ProviderKeyRef = null;
        return signer;
    }

    public ISigner Open(SigningKey row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.ProtectedPrivateKey is null) throw new InvalidOperationException($"signing key {row.Id} has no stored private key");
        return EcdsaP256Signer.FromPem(_protector.Unprotect(row.ProtectedPrivateKey));
    }
}
