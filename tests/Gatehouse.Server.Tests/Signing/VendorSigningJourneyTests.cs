using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gatehouse.Analysis.Questionnaires;
using Gatehouse.Analysis.Signing;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Listing;
using Gatehouse.Server.Signing;
using Gatehouse.Server.Tests.Apps;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Signing;

/// <summary>
/// Vendor keys and signatures on one server (issue 19, item 6): the owner registers a key (bad ones refused, staff and
/// strangers kept out); a tier that requires the vendor's signature blocks a draft without one; a bundle over other bytes or
/// by another key is refused at upload, the right one stored; revoking the key blocks the submission at the re-check; a new
/// key's signature lets it through, re-checked and audited with the move; the console shows the keys and, to the vendor and the reviewer, the status.
/// Then the CLI: <c>gatehouse vendor-keys</c> and <c>gatehouse submit</c> with the bundle next to the artifact. One server
/// for both tests (the journey adds a tier to the listing policy, which the CLI test's standard tier does not see).
/// </summary>
public sealed class VendorSigningJourneyTests(SharedServers servers) : IClassFixture<SharedServers>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-vendor-sign-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<JsonElement> JsonOf(HttpResponseMessage r) => await r.Content.ReadFromJsonAsync<JsonElement>();

    private static ByteArrayContent BundleContent(byte[] bundle) =>
        new(bundle) { Headers = { ContentType = new(SigstoreBundle.MediaType) } };

    [Fact]
    public async Task Registered_keys_verify_the_vendors_bundle_at_upload_and_at_submission_and_policy_can_require_it()
    {
        await using var w = await LifecycleWorld.OnAsync(servers, DbKind.Sqlite);
        await w.App.WithScopeAsync(async sp =>
        {
            var policy = new ListingPolicy();
            var tiers = new Dictionary<string, TierPolicy>(policy.Tiers, StringComparer.Ordinal)
            {
                ["signed"] = new TierPolicy { Priority = 1, RequireVendorSignature = true },
            };
            await sp.GetRequiredService<ListingPolicies>().PublishAsync(policy with { Tiers = tiers }, "test", "test", CancellationToken.None);
        });
        var keysUrl = $"/api/orgs/{w.Org.Id}/signing-keys";
        using var ci = EcdsaP256Signer.Generate();
        using var next = EcdsaP256Signer.Generate();
        using var stranger = EcdsaP256Signer.Generate();

        // Registering: a non-P-256 key, not-a-PEM and staff are refused; the owner's key is stored; twice is a conflict.
        using (var rsa = RSA.Create(2048))
        {
            var r = await w.Vendor.PostAsJsonAsync(keysUrl, new { name = "rsa", publicKeyPem = rsa.ExportSubjectPublicKeyInfoPem() });
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await w.Vendor.PostAsJsonAsync(keysUrl, new { name = "junk", publicKeyPem = "hello" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await w.Reviewer.PostAsJsonAsync(keysUrl, new { name = "staff", publicKeyPem = ci.PublicKey.ToPem() })).StatusCode);
        var added = await w.Vendor.PostAsJsonAsync(keysUrl, new { name = "CI release key", publicKeyPem = ci.PublicKey.ToPem() });
        Assert.True(added.StatusCode == HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        var key = await JsonOf(added);
        Assert.Equal(ci.KeyId, key.GetProperty("keyId").GetString());
        Assert.Equal("active", key.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await w.Vendor.PostAsJsonAsync(keysUrl, new { name = "again", publicKeyPem = ci.PublicKey.ToPem() })).StatusCode);
        // Staff see the keys (to review); a stranger learns nothing, not even that the organisation exists.
        Assert.Single((await JsonOf(await w.Reviewer.GetAsync(keysUrl))).EnumerateArray());
        using var outsider = w.App.ClientWith(await LifecycleWorld.LongTokenAsync(w.App, (await w.App.CreateUserAsync(Roles.Developer, "outsider")).Id, Roles.Developer));
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(keysUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsJsonAsync(keysUrl, new { name = "x", publicKeyPem = stranger.PublicKey.ToPem() })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsync($"{keysUrl}/{ci.KeyId}/revoke", null)).StatusCode);

        // A draft of a tier that requires the vendor's signature says so before anything is uploaded.
        var slug = await w.CreateAppAsync(tier: "signed");
        var artifact = Encoding.UTF8.GetBytes("PK-not-really-a-zip acme-sync 1.0.0");
        await w.PrepareAsync(slug, "1.0.0", artifact);
        var sigUrl = $"/api/apps/{slug}/versions/1.0.0/signature";
        Assert.Contains(VendorSignatureGuard.Required, Blockers(await w.VersionAsync(slug, "1.0.0")));
        Assert.Equal(HttpStatusCode.NotFound, (await w.Vendor.GetAsync(sigUrl)).StatusCode);

        // Upload: a stranger cannot even find the version; staff do not act for the vendor; other bytes and another key
        // are refused with the reason; the right bundle is stored as valid.
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PutAsync(sigUrl, BundleContent(SigstoreBundle.Create(ci, new MemoryStream(artifact))))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await w.Reviewer.PutAsync(sigUrl, BundleContent(SigstoreBundle.Create(ci, new MemoryStream(artifact))))).StatusCode);
        foreach (var (bundle, reason) in new[]
                 {
                     (SigstoreBundle.Create(ci, new MemoryStream([.. artifact, (byte)'!'])), "bundle.digest-mismatch"),
                     (SigstoreBundle.Create(stranger, new MemoryStream(artifact)), VendorSignatureVerifier.UnknownKey),
                 })
        {
            var refused = await w.Vendor.PutAsync(sigUrl, BundleContent(bundle));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var problem = await JsonOf(refused);
            Assert.Equal(VendorSignatures.InvalidCode, problem.GetProperty("code").GetString());
            Assert.Equal(reason, problem.GetProperty("reason").GetString());
        }
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await w.Vendor.PutAsync(sigUrl, BundleContent(new byte[SigstoreBundle.MaxBundleBytes + 1]))).StatusCode);
        var stored = await w.Vendor.PutAsync(sigUrl, BundleContent(SigstoreBundle.Create(ci, new MemoryStream(artifact))));
        Assert.True(stored.StatusCode == HttpStatusCode.OK, await stored.Content.ReadAsStringAsync());
        var info = await JsonOf(stored);
        Assert.Equal("valid", info.GetProperty("status").GetString());
        Assert.Equal(ci.KeyId, info.GetProperty("keyId").GetString());
        Assert.Equal("CI release key", info.GetProperty("keyName").GetString());
        Assert.DoesNotContain(VendorSignatureGuard.Required, Blockers(await w.VersionAsync(slug, "1.0.0")));

        // The key is revoked (say, it leaked) before the submission: the re-check refuses the stored signature.
        var revoked = await w.Vendor.PostAsync($"{keysUrl}/{ci.KeyId}/revoke", null);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal("revoked", (await JsonOf(revoked)).GetProperty("status").GetString());
        var blocked = await w.ActAsync(w.Vendor, slug, "1.0.0", "submit");
        Assert.Equal(HttpStatusCode.Conflict, blocked.StatusCode);
        Assert.Contains(VendorSignatureGuard.Invalid, (await LifecycleWorld.ProblemAsync(blocked)).Guards);
        var byRevoked = await w.Vendor.PutAsync(sigUrl, BundleContent(SigstoreBundle.Create(ci, new MemoryStream(artifact))));
        Assert.Equal(VendorSignatureVerifier.KeyRevoked, (await JsonOf(byRevoked)).GetProperty("reason").GetString());

        // A new key, a new signature: the submission goes through, the re-check saved and audited with it.
        Assert.Equal(HttpStatusCode.Created, (await w.Vendor.PostAsJsonAsync(keysUrl, new { name = "CI key 2", publicKeyPem = next.PublicKey.ToPem() })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await w.Vendor.PutAsync(sigUrl, BundleContent(SigstoreBundle.Create(next, new MemoryStream(artifact))))).StatusCode);
        var submitted = await w.ActAsync(w.Vendor, slug, "1.0.0", "submit");
        Assert.True(submitted.StatusCode == HttpStatusCode.OK, await submitted.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, (await w.Vendor.PutAsync(sigUrl, BundleContent(SigstoreBundle.Create(next, new MemoryStream(artifact))))).StatusCode);
        await w.App.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var entries = await db.AuditEntries.AsNoTracking().Where(e => e.OrganizationId == w.Org.Id.ToString() && e.Action.StartsWith("signing.")).ToListAsync();
            Assert.Equal(2, entries.Count(e => e.Action == SigningAuditActions.VendorKeyAdded));
            Assert.Single(entries, e => e.Action == SigningAuditActions.VendorKeyRevoked);
            // Upload checks (three refused, two stored) and the one at the submission that went through.
            var checks = entries.Where(e => e.Action == SigningAuditActions.VendorSignatureChecked).ToList();
            Assert.Equal(6, checks.Count);
            Assert.Single(checks, e => e.Data.Contains("\"at\":\"submission\"", StringComparison.Ordinal) && e.Data.Contains(next.KeyId, StringComparison.Ordinal));
            var versionId = await db.AppVersions.Where(v => db.Apps.Any(a => a.Id == v.AppId && a.Slug == slug)).Select(v => v.Id).SingleAsync();
            var row = await db.Set<VendorSignature>().AsNoTracking().SingleAsync(x => x.VersionId == versionId);
            Assert.Equal(("valid", next.KeyId), (row.Status, row.KeyId));
        });

        // The console: the organisation's keys page (owner: add form and revoke buttons) and the reviewer's version page.
        using var vendorBrowser = FormLogin.CookieClient(w.App);
        var vendorEmail = await w.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Users.Where(u => u.Id == w.VendorId).Select(u => u.Email!).SingleAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await FormLogin.PostLoginAsync(vendorBrowser, vendorEmail, "a-long-enough-password")).StatusCode);
        var page = await vendorBrowser.GetStringAsync($"/console/vendor/orgs/{w.Org.Id}/signing-keys");
        Assert.Contains($"data-key=\"{ci.KeyId}\" data-status=\"revoked\"", page, StringComparison.Ordinal);
        Assert.Contains($"data-key=\"{next.KeyId}\" data-status=\"active\"", page, StringComparison.Ordinal);
        Assert.Contains("Register the key", page, StringComparison.Ordinal);
        var versionPage = await vendorBrowser.GetStringAsync($"/console/vendor/apps/{slug}/versions/1.0.0");
        Assert.Contains("id=\"vendor-signature\" data-status=\"valid\"", versionPage, StringComparison.Ordinal);
        Assert.Contains(next.KeyId, versionPage, StringComparison.Ordinal);
        var reviewPage = await w.Reviewer.GetStringAsync($"/console/review/apps/{slug}/versions/1.0.0");
        Assert.Contains("id=\"vendor-signature\" data-status=\"valid\"", reviewPage, StringComparison.Ordinal);
        Assert.Contains("CI key 2", reviewPage, StringComparison.Ordinal);
    }

    private static List<string> Blockers(JsonElement version) =>
        version.GetProperty("submissionBlockers").EnumerateArray().Select(b => b.GetProperty("code").GetString()!).ToList();

    [Fact]
    public async Task Vendor_keys_are_managed_and_the_bundle_next_to_the_artifact_is_verified_with_the_submission()
    {
        var app = await servers.For(DbKind.Sqlite, LifecycleWorld.Engines());
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
