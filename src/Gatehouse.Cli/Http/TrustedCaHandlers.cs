using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gatehouse.Cli.Http;

/// <summary>
/// HTTP handlers that trust the certificates in a PEM file (<c>--ca-cert</c>, <c>GATEHOUSE_CA_CERT</c>) as roots
/// in addition to the system's: a server with its own CA, or <c>run.sh</c>'s self-signed certificate. Only the
/// chain is relaxed; a certificate for another host name is refused as always. There is no "insecure" mode.
/// </summary>
internal static class TrustedCaHandlers
{
    private static readonly ConcurrentDictionary<string, Lazy<HttpMessageHandler>> Handlers = new(StringComparer.Ordinal);

    /// <summary>One handler per file for the life of the process (the CLI never disposes handlers).</summary>
    /// <exception cref="CliException">The file cannot be read or holds no PEM certificate (exit code 2).</exception>
    public static HttpMessageHandler Get(string caCertFile)
    {
        var anchors = Load(caCertFile); // outside the cache: a bad file fails every time, with its message
        return Handlers.GetOrAdd(caCertFile, _ => new Lazy<HttpMessageHandler>(() => Create(anchors))).Value;
    }

    /// <summary>Reads every certificate of a PEM file.</summary>
    public static X509Certificate2Collection Load(string caCertFile)
    {
        var anchors = new X509Certificate2Collection();
        try
        {
            anchors.ImportFromPemFile(caCertFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"--ca-cert: cannot read {caCertFile}: {ex.Message}", null, ex);
        }
        if (anchors.Count == 0)
            throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"--ca-cert: {caCertFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        return anchors;
    }

    private static SocketsHttpHandler Create(X509Certificate2Collection anchors)
    {
        var handler = CliEnvironment.CreateDefaultHandler();
        handler.SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(anchors, certificate, chain, errors),
        };
        return handler;
    }

    /// <summary>Accepts what the system accepts, or a chain to one of <paramref name="anchors"/> when only the chain failed.</summary>
    public static bool Validate(X509Certificate2Collection anchors, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        // A name mismatch or a missing certificate is never forgiven: the CA file vouches for a signer, not a host.
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null) return false;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(anchors);
        custom.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1")); // serverAuth
        // A private CA has no revocation service a client could reach; the file is the trust decision.
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
            foreach (var element in chain.ChainElements) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        return custom.Build(leaf);
    }
}
