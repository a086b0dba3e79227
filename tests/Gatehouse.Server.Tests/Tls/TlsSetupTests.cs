using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gatehouse.Server.Tls;

namespace Gatehouse.Server.Tests.Tls;

/// <summary><c>Gatehouse:Tls</c>: PEM or PKCS#12, and a clear start-up failure for a wrong file or password.</summary>
public sealed class TlsSetupTests
{
    [Fact]
    public void A_pfx_with_its_password_loads_and_a_wrong_password_or_a_certificate_without_key_stops_the_start()
    {
        var dir = Directory.CreateTempSubdirectory("gatehouse-tls-").FullName;
        try
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var cert = new CertificateRequest("CN=gatehouse.test", key, HashAlgorithmName.SHA256)
                .CreateSelfSigned(TimeProvider.System.GetUtcNow().AddMinutes(-5), TimeProvider.System.GetUtcNow().AddDays(1));
            var pfx = Path.Combine(dir, "server.pfx");
            File.WriteAllBytes(pfx, cert.Export(X509ContentType.Pfx, "pfx-password"));
            var pem = Path.Combine(dir, "cert.pem");
            File.WriteAllText(pem, cert.ExportCertificatePem());

            using var loaded = TlsSetup.Load(new TlsOptions { CertificatePath = "server.pfx", Password = "pfx-password" }, dir);
            Assert.True(loaded.HasPrivateKey);
            Assert.Equal(cert.Thumbprint, loaded.Thumbprint);

            var wrong = Assert.Throws<InvalidOperationException>(() => TlsSetup.Load(new TlsOptions { CertificatePath = pfx, Password = "nope" }, dir));
            Assert.Contains(pfx, wrong.Message, StringComparison.Ordinal);
            var keyless = Assert.Throws<InvalidOperationException>(() => TlsSetup.Load(new TlsOptions { CertificatePath = pem }, dir));
            Assert.Contains(pem, keyless.Message, StringComparison.Ordinal);
            Assert.Throws<InvalidOperationException>(() => TlsSetup.Load(new TlsOptions { CertificatePath = Path.Combine(dir, "missing.pem") }, dir));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
