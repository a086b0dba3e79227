using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Gatehouse.Cli;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Gatehouse.Server.Tls;

namespace Gatehouse.Server.Tests.Tls;

/// <summary>
/// HTTPS from the first run: the certificate <c>run.sh</c> makes (eng/scripts/tls-cert.sh), the server serving it
/// (<c>Gatehouse:Tls</c>), Secure cookies over it, no <c>Server</c> header, and the CLI trusting it with <c>--ca-cert</c>.
/// </summary>
public sealed partial class HttpsServingTests
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    private static string Repository()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gatehouse.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    private static async Task<string> CertScriptAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(Repository(), "eng", "scripts", "tls-cert.sh")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"tls-cert.sh {string.Join(' ', args)}: exit {p.ExitCode}: {stderr}");
        return (await stdout).Trim();
    }

    /// <summary>A client that trusts exactly <paramref name="anchor"/> (like curl --cacert), or nothing extra.</summary>
    private static HttpClient Client(X509Certificate2? anchor) =>
        new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                {
                    if (anchor is null || cert is null) return errors == SslPolicyErrors.None;
                    if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false; // the name must match
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(anchor);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
                },
            },
        });

    [Fact]
    public async Task The_generated_certificate_is_made_once_and_the_server_serves_it_with_secure_cookies_and_no_server_header()
    {
        var tls = Path.Combine(Directory.CreateTempSubdirectory("gatehouse-tls-").FullName, "tls");
        try
        {
            // run.sh's certificate: made once, key readable by the owner only, for every host it serves.
            Assert.Equal("created", await CertScriptAsync("ensure", tls, "127.0.0.1", "localhost", "::1"));
            var certPath = Path.Combine(tls, "cert.pem");
            var keyPath = Path.Combine(tls, "key.pem");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
            var fingerprint = await CertScriptAsync("fingerprint", tls);
            Assert.Equal("kept", await CertScriptAsync("ensure", tls, "127.0.0.1", "localhost"));
            Assert.Equal(fingerprint, await CertScriptAsync("fingerprint", tls));
            using var cert = X509CertificateLoader.LoadCertificateFromFile(certPath);
            Assert.Equal(fingerprint.Replace(":", "", StringComparison.Ordinal), Convert.ToHexString(SHA256.HashData(cert.RawData)));
            var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
            Assert.Contains("localhost", san.EnumerateDnsNames());
            Assert.Contains(IPAddress.Loopback, san.EnumerateIPAddresses());
            Assert.Contains(IPAddress.IPv6Loopback, san.EnumerateIPAddresses());
            Assert.False(cert.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
            // The server loads it as run.sh configures it (PEM certificate and key).
            Assert.True(TlsSetup.Load(new TlsOptions { CertificatePath = certPath, KeyPath = keyPath }, "/").HasPrivateKey);

            await using var app = await GatehouseApp.StartKestrelAsync(DbKind.Sqlite, new Dictionary<string, string?>
            {
                ["Gatehouse:Tls:CertificatePath"] = certPath,
                ["Gatehouse:Tls:KeyPath"] = keyPath,
            }, https: true);
            var baseUrl = app.KestrelAddress!;
            Assert.StartsWith("https://127.0.0.1:", baseUrl, StringComparison.Ordinal);

            // A client that does not trust the certificate is refused: this is real TLS, not a pass-through.
            using (var untrusting = Client(null))
                await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync(baseUrl + "/readyz"));

            using var client = Client(cert);
            var ready = await client.GetAsync(baseUrl + "/readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.False(ready.Headers.Contains("Server"), "Server: " + string.Join(",", ready.Headers.TryGetValues("Server", out var v) ? v : []));

            // A real sign-in over HTTPS: both the antiforgery and the session cookie carry Secure.
            var page = await client.GetAsync(baseUrl + "/account/login");
            Assert.False(page.Headers.Contains("Server"));
            var antiforgery = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("gatehouse.af=", StringComparison.Ordinal));
            Assert.Contains("; secure", antiforgery, StringComparison.OrdinalIgnoreCase);
            var token = WebUtility.HtmlDecode(FormToken().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value);
            var user = await app.CreateUserAsync(Roles.Developer, "dev");
            using var login = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/account/login")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["email"] = user.Email!, ["password"] = "a-long-enough-password", ["__RequestVerificationToken"] = token,
                }),
            };
            login.Headers.Add("Cookie", antiforgery.Split(';')[0]);
            var signedIn = await client.SendAsync(login);
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            var session = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("gatehouse.session=", StringComparison.Ordinal));
            Assert.Contains("; secure", session, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; httponly", session, StringComparison.OrdinalIgnoreCase);

            // The CLI refuses the unknown certificate, and trusts it with --ca-cert (stored with the login).
            var (_, pat) = await app.UserWithTokenAsync(Roles.Developer, "cli");
            Assert.Equal(ExitCodes.Incomplete, (await CliAsync(pat, "login", "--server", baseUrl, "--token", "-")).Code);
            var trusted = await CliAsync(pat, "login", "--server", baseUrl, "--token", "-", "--ca-cert", certPath);
            Assert.True(trusted.Code == ExitCodes.Ok, trusted.Err);
            Assert.Contains("\"caCert\"", trusted.Config, StringComparison.Ordinal);
        }
        finally { Directory.Delete(Path.GetDirectoryName(tls)!, recursive: true); }
    }

    private static async Task<(int Code, string Err, string Config)> CliAsync(string token, params string[] args)
    {
        var config = Directory.CreateTempSubdirectory("gatehouse-cli-").FullName;
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            // The real network handlers (no test handler): what a user's CLI does.
            var env = new CliEnvironment { Out = output, Err = error, In = new StringReader(token + "\n"), ConfigDirectory = config };
            var code = await CliApp.RunAsync(args, env);
            var file = Path.Combine(config, "config.json");
            return (code, error.ToString(), File.Exists(file) ? await File.ReadAllTextAsync(file) : "");
        }
        finally { Directory.Delete(config, recursive: true); }
    }
}
