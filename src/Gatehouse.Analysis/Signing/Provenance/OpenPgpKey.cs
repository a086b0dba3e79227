namespace Gatehouse.Analysis.Signing.Provenance;

/// <summary>
/// The OpenPGP face of a platform ECDSA P-256 key, built from an <see cref="ISigner"/> alone (so a KMS or HSM key works):
/// a v4 public key packet (ECDSA, NIST P-256) with a fixed creation time, a user id and a self-signature, exported as a
/// legacy public keyring (what <c>helm verify --keyring</c> and <c>gpg --import</c> read), and clear-signed Helm
/// provenance made with <see cref="ISigner.SignDigest"/>. The fingerprint depends on the creation time, so callers pass the
/// key's stored creation time, never "now".
/// </summary>
public static class OpenPgpKey
{
    /// <summary>The public keyring (binary, <c>pubring.gpg</c>) of <paramref name="signer"/>'s key.</summary>
    public static byte[] PublicKeyring(ISigner signer, DateTimeOffset created, string userId) =>
        throw new NotImplementedException("issue 19: OpenPgpKey.PublicKeyring (helper K)");

    /// <summary>The OpenPGP v4 fingerprint (40 hex digits, upper case) of <paramref name="signer"/>'s key.</summary>
    public static string Fingerprint(ISigner signer, DateTimeOffset created) =>
        throw new NotImplementedException("issue 19: OpenPgpKey.Fingerprint (helper K)");

    /// <summary>A Helm <c>.prov</c> for a chart, signed by <paramref name="signer"/> (SHA-512, as <c>helm package --sign</c>).</summary>
    public static string SignProvenance(ISigner signer, DateTimeOffset created, byte[] chartTgz, string chartFileName, string chartYamlText) =>
        throw new NotImplementedException("issue 19: OpenPgpKey.SignProvenance (helper K)");
}
