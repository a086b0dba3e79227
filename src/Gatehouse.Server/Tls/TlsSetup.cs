using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Gatehouse.Server.Tls;

/// <summary>Kestrel: no <c>Server</c> header, and HTTPS endpoints served with the configured certificate.</summary>
internal static class TlsSetup
{
    public static WebApplicationBuilder AddGatehouseKestrel(this WebApplicationBuilder builder)
    {
        var tls = builder.Configuration.GetSection(TlsOptions.Section).Get<TlsOptions>() ?? new();
        // Loaded once at start so that a wrong path or password stops the server with a clear message,
        // not at the first handshake.
        var certificate = string.IsNullOrWhiteSpace(tls.CertificatePath) ? null : Load(tls, builder.Environment.ContentRootPath);
        // Kestrel's own message for this case talks about a developer certificate, which production never has.
        var config = builder.Configuration;
        if (certificate is null && !builder.Environment.IsDevelopment()
            && (config["urls"] ?? "").Split(';').Any(u => u.Trim().StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            && string.IsNullOrWhiteSpace(config["Kestrel:Certificates:Default:Path"]) && !config.GetSection("Kestrel:Endpoints").Exists())
            throw new InvalidOperationException(
                "urls has an https:// URL but no certificate is configured: set Gatehouse:Tls:CertificatePath (and KeyPath or Password), " +
                "or start with ./run.sh, which makes a self-signed one (docs/operations.md#https)");
        builder.WebHost.ConfigureKestrel(o =>
        {
            // The server's name and version help only an attacker matching it against known flaws.
            o.AddServerHeader = false;
            if (certificate is not null) o.ConfigureHttpsDefaults(h => h.ServerCertificate = certificate);
        });
        return builder;
    }

    /// <summary>Loads the certificate and key <paramref name="tls"/> names; relative paths are under <paramref name="contentRoot"/>.</summary>
    /// <exception cref="InvalidOperationException">The files cannot be read, or hold no usable certificate and private key.</exception>
    public static X509Certificate2 Load(TlsOptions tls, string contentRoot)
    {
        var certPath = Path.GetFullPath(tls.CertificatePath!, contentRoot);
        var keyPath = string.IsNullOrWhiteSpace(tls.KeyPath) ? null : Path.GetFullPath(tls.KeyPath, contentRoot);
        try
        {
            X509Certificate2 cert;
            var ext = Path.GetExtension(certPath).ToLowerInvariant();
            if (ext is ".pfx" or ".p12")
                cert = X509CertificateLoader.LoadPkcs12FromFile(certPath, tls.Password, X509KeyStorageFlags.EphemeralKeySet);
            else if (string.IsNullOrEmpty(tls.Password))
                cert = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            else
                cert = X509Certificate2.CreateFromEncryptedPemFile(certPath, tls.Password, keyPath);
            if (!cert.HasPrivateKey)
                throw new InvalidOperationException($"{certPath} has no private key; set Gatehouse:Tls:KeyPath to the key file");
            return cert;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"Gatehouse:Tls: cannot load the certificate {certPath}{(keyPath is null ? "" : $" with the key {keyPath}")}: {ex.Message} (docs/operations.md#https)", ex);
        }
    }
}
