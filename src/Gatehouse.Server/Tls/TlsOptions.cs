namespace Gatehouse.Server.Tls;

/// <summary>
/// The server's own TLS certificate, section <c>Gatehouse:Tls</c> (docs/operations.md#https). Either a PEM
/// certificate with its PEM private key, or a PKCS#12 (<c>.pfx</c>/<c>.p12</c>) file with its password.
/// <c>run.sh</c> sets these to the self-signed certificate it generates under <c>{DataDirectory}/tls/</c>
/// when nothing else is configured. Kestrel's own <c>Kestrel:Certificates:Default</c> works as well.
/// </summary>
internal sealed class TlsOptions
{
    public const string Section = "Gatehouse:Tls";

    /// <summary>PEM certificate (chain) or PKCS#12 file. Empty: no certificate from this section.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key for a PEM certificate; empty when the key is in the certificate file.</summary>
    public string? KeyPath { get; set; }

    /// <summary>Password of a PKCS#12 file or of an encrypted PEM key.</summary>
    public string? Password { get; set; }
}
