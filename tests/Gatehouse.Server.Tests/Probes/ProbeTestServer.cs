using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Probes;

/// <summary>How the test integration behaves; switched while it runs (the daily probe sees the change).</summary>
internal enum IntegrationMode
{
    /// <summary>HSTS, headers, secure cookie; <c>/api/*</c> refuses anything but the good token; the webhook checks its signature.</summary>
    Good,
    /// <summary>As <see cref="Good"/>, but <c>/api/*</c> answers requests without credentials.</summary>
    Open,
    /// <summary>As <see cref="Good"/>, but <c>/api/*</c> trusts the token's own <c>alg</c>: an unsigned alg=none JWT gets in.</summary>
    AlgNone,
    /// <summary>TLS works, every HTTP request is aborted (the integration is down).</summary>
    Down,
}

/// <summary>
/// A web integration on 127.0.0.1 (Kestrel, HTTPS with a leaf of <see cref="TestPki"/>), whose behaviour is
/// <see cref="Mode"/>. (The engine's tests have the same kind of server; that project is not referenced here.)
/// </summary>
internal sealed class TestIntegration : IAsyncDisposable
{
    public const string GoodToken = "Bearer good-test-token";
    private readonly WebApplication _app;
    private volatile IntegrationMode _mode;
    private int _requests;

    private TestIntegration(WebApplication app, IntegrationMode mode)
    {
        _app = app;
        _mode = mode;
    }

    public IntegrationMode Mode { get => _mode; set => _mode = value; }
    public int Port { get; private set; }
    public int Requests => Volatile.Read(ref _requests);
    public string BaseUrl => $"https://127.0.0.1:{Port}/";

    public static async Task<TestIntegration> StartAsync(X509Certificate2 certificate, IntegrationMode mode = IntegrationMode.Good)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var server = new TestIntegration(app, mode);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var mode = _mode;
        if (mode == IntegrationMode.Down) { context.Abort(); return; }
        var h = context.Response.Headers;
        h.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
        h.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'";
        h.XContentTypeOptions = "nosniff";
        h["Referrer-Policy"] = "strict-origin-when-cross-origin";
        h.SetCookie = "__Host-sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax";
        var path = context.Request.Path.Value ?? "/";
        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            var auth = context.Request.Headers.Authorization.ToString();
            var allowed = mode switch
            {
                IntegrationMode.Open => true,
                IntegrationMode.AlgNone => auth == GoodToken || (auth.StartsWith("Bearer ", StringComparison.Ordinal) && auth[7..].Split('.')[^1].Length == 0),
                _ => auth == GoodToken,
            };
            if (!allowed) { context.Response.StatusCode = 401; return; }
            h.CacheControl = "no-store";
            await context.Response.WriteAsync("{\"ok\":true}");
            return;
        }
        if (path == "/webhooks/lifecycle")
        {
            // Any signature made with a key Gatehouse's probe cannot know is wrong; a real app compares an HMAC.
            context.Response.StatusCode = 401;
            return;
        }
        await context.Response.WriteAsync("hello");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A test CA and a leaf for 127.0.0.1 made in code (never committed); the CA's PEM goes to Gatehouse:Probe:TrustedRootsFile.</summary>
internal sealed class TestPki : IDisposable
{
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestPki()
    {
        var now = TimeProvider.System.GetUtcNow();
        var request = new CertificateRequest("CN=Gatehouse Server Probe Test CA", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Ca = request.CreateSelfSigned(now.AddYears(-1), now.AddYears(5));
        RootsFile = Path.Combine(Path.GetTempPath(), $"gatehouse-probe-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(RootsFile, Ca.ExportCertificatePem());
    }

    public X509Certificate2 Ca { get; }

    /// <summary>PEM file with the CA certificate.</summary>
    public string RootsFile { get; }

    /// <summary>A leaf for 127.0.0.1 and localhost, valid from yesterday for a year.</summary>
    public X509Certificate2 Leaf()
    {
        var now = TimeProvider.System.GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, true, false));
        using var issued = request.Create(Ca, now.AddDays(-1), now.AddDays(365), RandomNumberGenerator.GetBytes(12));
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        try { File.Delete(RootsFile); } catch (IOException) { }
        Ca.Dispose();
        _caKey.Dispose();
    }
}
