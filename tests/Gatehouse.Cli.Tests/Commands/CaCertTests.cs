using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gatehouse.Cli.Http;
using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests.Commands;

/// <summary><c>login --ca-cert</c>: an extra trust anchor for one server, never a way to skip checking.</summary>
public sealed class CaCertTests
{
    private static X509Certificate2 SelfSigned(string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddMinutes(-5), TimeProvider.System.GetUtcNow().AddDays(1));
    }

    [Fact]
    public void The_file_vouches_for_its_certificate_only_and_never_for_another_host_name()
    {
        using var server = SelfSigned("gatehouse.test");
        using var other = SelfSigned("other.test");
        var anchors = new X509Certificate2Collection { server };
        Assert.True(TrustedCaHandlers.Validate(anchors, server, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(TrustedCaHandlers.Validate(anchors, other, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(TrustedCaHandlers.Validate(anchors, server, null,
            SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(TrustedCaHandlers.Validate(anchors, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }

    [Fact]
    public async Task Login_with_a_ca_file_that_is_missing_or_holds_no_certificate_is_a_usage_error_and_stores_nothing()
    {
        using var cli = new CliHarness();
        Directory.CreateDirectory(cli.WorkingDirectory);
        var missing = await cli.RunAsync("login", "--server", CliHarness.Server, "--token", CliHarness.Token, "--ca-cert", "no-such.pem");
        Assert.Equal(ExitCodes.Usage, missing.ExitCode);
        Assert.Contains("--ca-cert", missing.Err, StringComparison.Ordinal);

        var empty = Path.Combine(cli.WorkingDirectory, "empty.pem");
        await File.WriteAllTextAsync(empty, "not a certificate\n");
        var notPem = await cli.RunAsync("login", "--server", CliHarness.Server, "--token", CliHarness.Token, "--ca-cert", empty);
        Assert.Equal(ExitCodes.Usage, notPem.ExitCode);
        Assert.Contains("holds no PEM certificate", notPem.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.ConfigFile));
    }
}
