using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gatehouse.Server.Data.Scratch;

namespace Gatehouse.Server.Registry;

/// <summary>
/// The key that signs registry tokens (ECDSA P-256, ES256) and its self-signed certificate, made on first use and kept in
/// <c>{DataDirectory}/keys/registry/</c>: <c>token-signing.pem</c> (PKCS#8, mode 0600, never served) and
/// <c>token-signing.crt</c> (the certificate, public). The registry trusts the certificate through its
/// <c>auth.token.rootcertbundle</c>; every token carries it in its <c>x5c</c> header, which is how docker-registry 2.8
/// finds the key (<c>registry/auth/token/token.go</c>, <c>VerifySigningKey</c>: the chain is verified against the bundle).
/// Rotation: delete both files and restart, then give the registry the new certificate (docs/registry.md).
/// </summary>
internal sealed class RegistryTokenKey : IDisposable
{
    public const string KeyFile = "token-signing.pem";
    public const string CertificateFile = "token-signing.crt";

    private RegistryTokenKey(ECDsa key, X509Certificate2 certificate)
    {
        Key = key;
        Certificate = certificate;
        CertificatePem = certificate.ExportCertificatePem() + "\n";
    }

    /// <summary>The private key (P-256).</summary>
    public ECDsa Key { get; }

    /// <summary>The self-signed certificate of <see cref="Key"/>.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate as PEM (what the registry's <c>rootcertbundle</c> holds).</summary>
    public string CertificatePem { get; }

    /// <summary>Loads the key and certificate from <paramref name="directory"/>, creating them when missing.</summary>
    public static RegistryTokenKey LoadOrCreate(string directory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        PrivateFolders.Ensure(directory);
        var keyPath = Path.Combine(directory, KeyFile);
        var certPath = Path.Combine(directory, CertificateFile);
        if (!File.Exists(keyPath))
        {
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            // CreateNew: when two processes start at once, the first key written wins and both use it.
            TryWriteNew(keyPath, fresh.ExportPkcs8PrivateKeyPem(), PrivateFolders.FileMode);
        }
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(keyPath));
        X509Certificate2? cert = null;
        if (File.Exists(certPath))
        {
            cert = X509Certificate2.CreateFromPem(File.ReadAllText(certPath));
            // A certificate of another key (the key file was replaced) is made again.
            if (cert.GetECDsaPublicKey() is not { } pub || !pub.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
            {
                cert.Dispose();
                cert = null;
                File.Delete(certPath);
            }
        }
        if (cert is null)
        {
            cert = CreateCertificate(key, time.GetUtcNow());
            TryWriteNew(certPath, cert.ExportCertificatePem() + "\n", PrivateFolders.FileMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            cert.Dispose();
            cert = X509Certificate2.CreateFromPem(File.ReadAllText(certPath));
        }
        return new RegistryTokenKey(key, cert);
    }

    /// <summary>A self-signed certificate for <paramref name="key"/>, valid from a day ago for 20 years (no rotation yet).</summary>
    internal static X509Certificate2 CreateCertificate(ECDsa key, DateTimeOffset now)
    {
        var request = new CertificateRequest("CN=Gatehouse registry token signer", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, critical: true));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(20));
    }

    /// <summary>Writes the certificate PEM where the operator points the registry's <c>rootcertbundle</c> (replaced atomically).</summary>
    public void WriteCertificateTo(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (File.Exists(full) && File.ReadAllText(full) == CertificatePem) return;
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(temp, CertificatePem);
        File.Move(temp, full, overwrite: true);
    }

    private static void TryWriteNew(string path, string text, UnixFileMode mode)
    {
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
            using var w = new StreamWriter(path, System.Text.Encoding.ASCII, options);
            w.Write(text);
        }
        catch (IOException) when (File.Exists(path)) { }
    }

    public void Dispose()
    {
        Key.Dispose();
        Certificate.Dispose();
    }
}
