using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Analysis.Tests.Probes;

/// <summary>A Kestrel HTTPS server on 127.0.0.1 (random port) with a given certificate; stopped on dispose.</summary>
internal sealed class ProbeTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private ProbeTestServer(WebApplication app) => _app = app;

    public int Port { get; private set; }
    public int Requests => Volatile.Read(ref _requests);
    public Uri BaseUrl(string host = "127.0.0.1") => new($"https://{host}:{Port}/");

    public static async Task<ProbeTestServer> StartAsync(X509Certificate2 certificate, RequestDelegate handler)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
            k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var server = new ProbeTestServer(app);
        app.Run(async context =>
        {
            Interlocked.Increment(ref server._requests);
            await handler(context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Port = new Uri(address).Port;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A test CA and leaf certificates made in code (never committed), trusted only through ProbeOptions.TrustedRoots.</summary>
internal sealed class TestPki : IDisposable
{
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestPki()
    {
        var now = TimeProvider.System.GetUtcNow();
        var request = new CertificateRequest("CN=Gatehouse Probe Test CA", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Ca = request.CreateSelfSigned(now.AddYears(-1), now.AddYears(5));
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2Collection Roots => [Ca];

    /// <summary>A leaf for <paramref name="names"/> (DNS names or IP addresses), valid from <paramref name="notBefore"/> to <paramref name="notAfter"/>.</summary>
    public X509Certificate2 Leaf(DateTimeOffset notBefore, DateTimeOffset notAfter, params string[] names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var n in names)
        {
            if (IPAddress.TryParse(n, out var ip)) san.AddIpAddress(ip);
            else san.AddDnsName(n);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, true, false));
        using var issued = request.Create(Ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(12));
        using var withKey = issued.CopyWithPrivateKey(key);
        // Round-trip through PKCS#12 so Kestrel gets a certificate whose key it can use on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A leaf for 127.0.0.1 and localhost, valid for a year.</summary>
    public X509Certificate2 GoodLeaf()
    {
        var now = TimeProvider.System.GetUtcNow();
        return Leaf(now.AddDays(-1), now.AddDays(365), "127.0.0.1", "localhost");
    }

    public void Dispose()
    {
        Ca.Dispose();
        _caKey.Dispose();
    }
}
