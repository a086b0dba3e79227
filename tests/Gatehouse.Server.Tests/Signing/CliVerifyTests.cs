using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Analysis.Signing;
using Gatehouse.Analysis.Signing.Provenance;
using Gatehouse.Cli;
using Gatehouse.Server.Signing;
using Gatehouse.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Signing;

/// <summary>
/// <c>gatehouse verify --key https://…/.well-known/gatehouse/keys</c> against a running server: a file's bundle and a
/// chart's .prov (keyring fetched from pubring.gpg beside the key URL) verify; after the key is rotated and retired, the
/// same signatures are refused (<c>signing.key-retired</c>, <c>prov.unknown-key</c>).
/// </summary>
public sealed class CliVerifyTests
{
    [Fact]
    public async Task Gatehouse_verify_trusts_the_published_keys_until_the_key_is_retired()
    {
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite);
        var ring = app.Services.GetRequiredService<PlatformKeyRing>();
        var signer = await ring.CurrentAsync(CancellationToken.None);
        var dir = Directory.CreateTempSubdirectory("gh-cli-verify-").FullName;
        try
        {
            var file = Path.Combine(dir, "app.zip");
            await File.WriteAllBytesAsync(file, "approved bytes"u8.ToArray());
            await File.WriteAllBytesAsync(file + ".sigstore.json", SigstoreBundle.CreateForDigest(signer.Signer, SHA256.HashData(File.ReadAllBytes(file))));
            var chart = Path.Combine(dir, "demo-0.1.0.tgz");
            var tgz = RandomNumberGenerator.GetBytes(256);
            await File.WriteAllBytesAsync(chart, tgz);
            await File.WriteAllTextAsync(chart + ".prov", OpenPgpKey.SignProvenance(signer.Signer, signer.CreatedAt, tgz, "demo-0.1.0.tgz", "apiVersion: v2\nname: demo\nversion: 0.1.0\n"));
            var keys = new Uri(app.Server.BaseAddress, "/.well-known/gatehouse/keys").ToString();

            var ok = await CliRunner.RunAsync(app, null, "verify", file, "--key", keys);
            Assert.True(ok.ExitCode == ExitCodes.Ok, ok.Out + ok.Err);
            Assert.Contains($"(key {signer.KeyId})", ok.Out, StringComparison.Ordinal);
            var okChart = await CliRunner.RunAsync(app, null, "verify", chart, "--key", keys, "--format", "json");
            Assert.True(okChart.ExitCode == ExitCodes.Ok, okChart.Out + okChart.Err);
            Assert.Equal(["prov"], JsonDocument.Parse(okChart.Out).RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("check").GetString()));

            // Rotate, then retire the key that signed: both signatures are refused from then on.
            var admin = await app.AdminAsync();
            var (token, _) = await app.IssueTokenAsync(admin.Id);
            using var api = app.ClientWith(token);
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/api/signing/keys", null)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/signing/keys/{signer.KeyId}/retire", null)).StatusCode);

            var retired = await CliRunner.RunAsync(app, null, "verify", file, "--key", keys);
            Assert.Equal(ExitCodes.GateSaidNo, retired.ExitCode);
            Assert.Contains("[signing.key-retired]", retired.Err, StringComparison.Ordinal);
            var retiredChart = await CliRunner.RunAsync(app, null, "verify", chart, "--key", keys);
            Assert.Equal(ExitCodes.GateSaidNo, retiredChart.ExitCode);
            Assert.Contains("[prov.unknown-key]", retiredChart.Err, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
