using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Analysis.Questionnaires;
using Gatehouse.Analysis.Signing;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;

namespace Gatehouse.Server.Tests.Signing;

/// <summary>
/// <c>gatehouse vendor-keys</c> and <c>gatehouse submit</c> with a signature, the real CLI against the real server: the
/// owner registers a public key (a private key is refused locally), the bundle next to the artifact is uploaded with the
/// submission and verified; another key's bundle named by <c>--signature</c> is refused with the reason; a key is revoked.
/// </summary>
public sealed class VendorSigningCliTests(SharedServers servers) : IClassFixture<SharedServers>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-cli-vendor-sign-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Vendor_keys_are_managed_and_the_bundle_next_to_the_artifact_is_verified_with_the_submission()
    {
        var app = await servers.For(DbKind.Sqlite, new Dictionary<string, string?>
        {
            ["Scanning:ClamdEndpoint"] = Environment.GetEnvironmentVariable("GATEHOUSE_TEST_CLAMD")
                ?? throw new InvalidOperationException("GATEHOUSE_TEST_CLAMD is not set; ./test.sh starts clamd and sets it."),
        });
        var (dev, token) = await app.UserWithTokenAsync(Roles.Developer, "signer");
        var org = await app.CreateOrganizationAsync(dev.Id);
        using var client = app.ClientWith(token);
        var slug = "signed-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.Created,
            (await client.PostAsJsonAsync($"/api/orgs/{org.Id}/apps", new { slug, name = "Signed App", type = "downloadable", tier = "standard" })).StatusCode);

        using var key = EcdsaP256Signer.Generate();
        using var stranger = EcdsaP256Signer.Generate();
        var publicPem = Write("key.pub.pem", key.PublicKey.ToPem());
        var privatePem = Write("key.pem", key.ExportPkcs8Pem());

        var refused = await CliRunner.RunAsync(app, token, "vendor-keys", "add", org.Id.ToString(), "--name", "CI key", "--key", privatePem);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("private key", refused.Err, StringComparison.Ordinal);
        var added = await CliRunner.RunAsync(app, token, "vendor-keys", "add", org.Id.ToString(), "--name", "CI key", "--key", publicPem);
        Assert.True(added.ExitCode == 0, added.Err);
        Assert.Contains($"registered: {key.KeyId}", added.Out, StringComparison.Ordinal);
        var list = await CliRunner.RunAsync(app, token, "vendor-keys", "list", org.Id.ToString());
        Assert.Equal(0, list.ExitCode);
        Assert.Matches($@"KEY ID\s+NAME\s+STATUS\s+REGISTERED\s+REVOKED\n{key.KeyId}\s+CI key\s+active\s", list.Out);

        // The bundle `gatehouse sign` would write next to the artifact is taken along.
        var artifact = Artifact("signed-1.0.0.zip");
        await File.WriteAllBytesAsync(artifact + ".sigstore.json", Sign(key, artifact));
        var submit = await CliRunner.RunAsync(app, token, "submit", slug, "--version", "1.0.0", "--artifact", artifact,
            "--answers", Answers(), "--attest", "Jane Doe, CTO");
        Assert.True(submit.ExitCode == 0, $"exit {submit.ExitCode}\n{submit.Out}\n{submit.Err}");
        Assert.Contains($"signature: signed-1.0.0.zip.sigstore.json valid, key CI key ({key.KeyId})", submit.Out, StringComparison.Ordinal);
        var stored = await client.GetFromJsonAsync<JsonElement>($"/api/apps/{slug}/versions/1.0.0/signature");
        Assert.Equal("valid", stored.GetProperty("status").GetString());

        // --signature names another key's bundle: refused with the reason, nothing submitted.
        var other = Artifact("signed-2.0.0.zip");
        var otherBundle = Write("other.sigstore.json", "");
        await File.WriteAllBytesAsync(otherBundle, Sign(stranger, other));
        var bad = await CliRunner.RunAsync(app, token, "submit", slug, "--version", "2.0.0", "--artifact", other, "--signature", otherBundle,
            "--answers", Answers(), "--attest", "Jane Doe, CTO");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("signing.vendor-signature-invalid", bad.Err, StringComparison.Ordinal);
        Assert.Contains("signing.unknown-key", bad.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("submitted:", bad.Out, StringComparison.Ordinal);

        var revoked = await CliRunner.RunAsync(app, token, "vendor-keys", "revoke", org.Id.ToString(), key.KeyId);
        Assert.True(revoked.ExitCode == 0, revoked.Err);
        Assert.Contains("revoked", revoked.Out, StringComparison.Ordinal);
        var json = await CliRunner.RunAsync(app, token, "vendor-keys", "list", org.Id.ToString(), "--format", "json");
        Assert.Equal("revoked", JsonDocument.Parse(json.Out).RootElement[0].GetProperty("status").GetString());
    }

    private static byte[] Sign(ISigner signer, string path)
    {
        using var file = File.OpenRead(path);
        return SigstoreBundle.Create(signer, file);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string Artifact(string name)
    {
        var path = Path.Combine(_dir, name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var w = new StreamWriter(zip.CreateEntry("README.md").Open())) w.Write($"# {name}\nA harmless demo.\n");
        return path;
    }

    private string Answers()
    {
        var sb = new StringBuilder();
        foreach (var item in QuestionnaireSet.LoadEmbedded().Get("downloadable").Items)
        {
            var answer = item.Kind == QuestionKind.Text
                ? "Every release is built in CI from a tagged commit and scanned before upload."
                : item.Options.First(o => o.Score == QuestionScore.Info).Value;
            sb.Append(item.Id).Append(": \"").Append(answer).Append("\"\n");
        }
        return Write("answers.yaml", sb.ToString());
    }
}
