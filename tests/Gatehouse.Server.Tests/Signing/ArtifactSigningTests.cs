using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gatehouse.Analysis.Signing;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Scanning;
using Gatehouse.Server.Signing;
using Gatehouse.Server.Tests.Apps;
using Gatehouse.Server.Tests.OAuth;
using Gatehouse.Server.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Signing;

/// <summary>
/// Signing on approval for a downloadable file, on one Gatehouse: publishing queues <c>signing.sign</c> in the move's unit
/// of work; its handler makes the Sigstore bundle and the approval ticket, one row each and one audit entry each, and a
/// re-driven or racing item signs nothing twice. The download response links both under the URL's own grant; the bundle is
/// accepted by @sigstore/verify (node) and by <c>openssl dgst -verify</c> with the published key, and refused for other
/// bytes and another key; the ticket names the artifact, the policy and the report, and is refused for another digest. The
/// API and the console serve them to exactly the people who may download the file. Retiring the key (after a rotation)
/// re-signs the version with the new key, once.
/// </summary>
public sealed partial class ArtifactSigningTests
{
    [Fact]
    public async Task A_published_file_is_signed_once_and_its_bundle_and_ticket_verify_with_independent_tools()
    {
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite);
        var ct = CancellationToken.None;
        var dev = await app.CreateUserAsync(Roles.Developer, "vendor");
        var org = await app.CreateOrganizationAsync(dev.Id);
        var reviewer = await app.CreateUserAsync(Roles.Reviewer, "reviewer");
        var tenantAdmin = await app.CreateUserAsync(Roles.Developer, "tenant-admin");
        var outsider = await app.CreateUserAsync(Roles.Developer, "outsider");
        var tenant = await OAuthWorld.CreateTenantAsync(app, "Customer", tenantAdmin.Id);
        using var vendor = app.ClientWith(await LifecycleWorld.LongTokenAsync(app, dev.Id, Roles.Developer));
        using var staff = app.ClientWith(await LifecycleWorld.LongTokenAsync(app, reviewer.Id, Roles.Reviewer));
        using var customer = app.ClientWith(await LifecycleWorld.LongTokenAsync(app, tenantAdmin.Id, Roles.Developer));
        using var stranger = app.ClientWith(await LifecycleWorld.LongTokenAsync(app, outsider.Id, Roles.Developer));
        using var anonymous = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var content = RandomNumberGenerator.GetBytes(50_000);
        var hex = Convert.ToHexStringLower(SHA256.HashData(content));
        const string Report = """{"artifact":{"name":"tool.zip","detectedType":"application/zip"},"findings":[]}""";
        var slug = "signed-" + Guid.NewGuid().ToString("N")[..8];

        // An approved version, published through the lifecycle: the move itself queues signing.sign.
        var (versionId, policySha) = await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var blob = await sp.GetRequiredService<IBlobStore>().PutAsync(new MemoryStream(content), ct);
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var policy = await db.ListingPolicies.AsNoTracking().OrderByDescending(p => p.Version).FirstAsync(ct);
            var a = new App { Id = Guid.NewGuid(), OrganizationId = org.Id, Slug = slug, Name = "Tool", Type = AppTypes.Downloadable, Tier = "standard", CreatedBy = dev.Id, CreatedAt = now };
            var scan = new Scan
            {
                Id = Guid.NewGuid(), OrganizationId = org.Id, SubmittedBy = dev.Id, BlobDigest = blob.Digest, Size = blob.Length, FileName = "tool.zip",
                ArtifactType = "downloadable", State = ScanState.Done, Verdict = Gatehouse.Analysis.Verdicts.Verdict.Pass, CreatedAt = now, CompletedAt = now, ReportJson = Report,
            };
            var v = new AppVersion
            {
                Id = Guid.NewGuid(), AppId = a.Id, OrganizationId = org.Id, Version = "1.0.0", State = VersionStates.Approved, ArtifactDigest = blob.Digest,
                ArtifactName = "tool.zip", ArtifactSize = blob.Length, CurrentScanId = scan.Id, PolicyVersion = policy.Version, DecidedAt = now,
                CreatedBy = dev.Id, CreatedAt = now, UpdatedAt = now,
            };
            db.AddRange(a, scan, v);
            await db.SaveChangesAsync(ct);
            var outcome = await sp.GetRequiredService<VersionWorkflow>().RequestAsync(a, v, Lifecycle.Actions.Publish, new Caller(dev.Id, Actor.Vendor), [], null, ct);
            Assert.Equal(TransitionStatus.Done, outcome.Status);
            return (v.Id, policy.Sha256);
        });
        var rows = await WaitForSignaturesAsync(app, versionId, 2);
        Assert.Equal([ArtifactSignatureKinds.Bundle, ArtifactSignatureKinds.Ticket], rows.Select(r => r.Kind).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal("sha256:" + hex, r.SubjectDigest));
        var keyPem = await anonymous.GetStringAsync("/.well-known/gatehouse/keys.pem");
        var key = PublicKey.FromPem(keyPem);
        Assert.All(rows, r => Assert.Equal(key.KeyId, r.KeyId));
        Assert.Equal(2, await AuditedAsync(app, versionId));

        // Re-driven (a crash after the commit, a redelivery) and racing items sign nothing again.
        var again = await app.WithScopeAsync(sp => sp.GetServices<IWorkHandler>().Single(h => h.Kind == SigningWork.Sign)
            .RunAsync(new WorkItem { Kind = SigningWork.Sign, Payload = SigningWork.Payload(versionId) }, ct));
        Assert.Contains("signed-already", again, StringComparison.Ordinal);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => app.WithScopeAsync(sp => sp.GetRequiredService<ArtifactSigner>().SignVersionAsync(versionId, ct))));
        Assert.Equal(2, (await SignaturesAsync(app, versionId)).Count);
        Assert.Equal(2, await AuditedAsync(app, versionId));

        // The customer's download links the bundle and the ticket; both are served under the URL's own grant.
        var install = await customer.PostAsJsonAsync($"/api/tenants/{tenant}/installations", new { app = slug });
        Assert.True(install.StatusCode == HttpStatusCode.Created, await install.Content.ReadAsStringAsync());
        var issued = await customer.PostAsJsonAsync($"/api/apps/{slug}/versions/1.0.0/download-url", new { tenantId = tenant });
        Assert.True(issued.StatusCode == HttpStatusCode.Created, await issued.Content.ReadAsStringAsync());
        var url = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
        using var download = await anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
        var links = download.Headers.GetValues("Link").Select(l => LinkPattern().Match(l)).ToDictionary(m => m.Groups["rel"].Value, m => m.Groups["url"].Value);
        Assert.Equal([SignatureLinks.TicketRel, SignatureLinks.BundleRel], links.Keys.Order(StringComparer.Ordinal));
        var bundle = await anonymous.GetByteArrayAsync(links[SignatureLinks.BundleRel]);
        var ticket = await anonymous.GetByteArrayAsync(links[SignatureLinks.TicketRel]);
        Assert.Equal(rows.Single(r => r.Kind == ArtifactSignatureKinds.Bundle).Content, bundle);
        Assert.Equal(rows.Single(r => r.Kind == ArtifactSignatureKinds.Ticket).Content, ticket);
        var tampered = links[SignatureLinks.BundleRel].Replace("sig=", "sig=A", StringComparison.Ordinal)[..^1];
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(tampered)).StatusCode);

        // Independent verifiers: @sigstore/verify and openssl with the published key; other bytes and another key refused.
        using var tools = new TempDir();
        var file = tools.Write("tool.zip", content);
        var otherFile = tools.Write("other.zip", RandomNumberGenerator.GetBytes(100));
        var pub = tools.Write("gatehouse.pub", keyPem);
        using var otherSigner = EcdsaP256Signer.Generate();
        var otherPub = tools.Write("other.pub", otherSigner.PublicKey.ToPem());
        var bundlePath = tools.Write("tool.zip.sigstore.json", bundle);
        var ticketPath = tools.Write("tool.zip.ticket.sigstore.json", ticket);
        Assert.Equal(["OK", "FAIL", "FAIL", "OK", "FAIL"], (await NodeVerifyAsync(
            (bundlePath, file, pub), (bundlePath, otherFile, pub), (bundlePath, file, otherPub), (ticketPath, "", pub), (ticketPath, "", otherPub)))
            .Select(l => l.Split(' ')[0]));
        var signature = JsonDocument.Parse(bundle).RootElement.GetProperty("messageSignature").GetProperty("signature").GetString()!;
        var sig = tools.Write("sig.der", Convert.FromBase64String(signature));
        Assert.Equal((0, "Verified OK"), await OpensslAsync(tools.Dir, "dgst", "-sha256", "-verify", pub, "-signature", sig, file));
        Assert.NotEqual(0, (await OpensslAsync(tools.Dir, "dgst", "-sha256", "-verify", pub, "-signature", sig, otherFile)).Exit);
        Assert.NotEqual(0, (await OpensslAsync(tools.Dir, "dgst", "-sha256", "-verify", otherPub, "-signature", sig, file)).Exit);
        Assert.True(SigstoreBundle.VerifyDigest(key, bundle, Convert.FromHexString(hex)).Valid);

        // The ticket: artifact, app, version, the policy version that judged it and the report's digest; another digest refused.
        var envelope = Encoding.UTF8.GetBytes(JsonDocument.Parse(ticket).RootElement.GetProperty("dsseEnvelope").GetRawText());
        var check = ApprovalTicket.Verify(key, envelope, hex, out var claims);
        Assert.True(check.Valid, check.Reason);
        Assert.Equal(("tool.zip", slug, "1.0.0"), (claims!.ArtifactName, claims.App, claims.Version));
        Assert.Equal("sha256:" + policySha, claims.PolicyDigest);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Report))), claims.ReportDigest);
        Assert.Equal("ticket.digest-mismatch", ApprovalTicket.Verify(key, envelope, Convert.ToHexStringLower(SHA256.HashData("other"u8)), out _).Code);
        Assert.False(ApprovalTicket.Verify(otherSigner.PublicKey, envelope, hex, out _).Valid);

        // The API: the vendor's members, staff and the entitled customer; a stranger learns nothing (404).
        foreach (var who in new[] { vendor, staff, customer })
        {
            var list = await who.GetFromJsonAsync<JsonElement>($"/api/apps/{slug}/versions/1.0.0/signatures");
            Assert.Equal(["bundle", "ticket"], list.EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
            Assert.Equal("tool.zip.ticket.sigstore.json", list[1].GetProperty("fileName").GetString());
        }
        Assert.Equal(ticket, await customer.GetByteArrayAsync($"/api/apps/{slug}/versions/1.0.0/signatures/ticket"));
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/apps/{slug}/versions/1.0.0/signatures")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/apps/{slug}/versions/1.0.0/signatures/bundle")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/apps/{slug}/versions/1.0.0/signatures/bundle")).StatusCode);

        // The console: the customer's page links the bundle and the ticket with the key id; the vendor's and reviewer's pages list them.
        var customerPage = await customer.GetStringAsync("/console/customer");
        Assert.Contains($"/api/apps/{slug}/versions/1.0.0/signatures/bundle", customerPage, StringComparison.Ordinal);
        Assert.Contains($"/api/apps/{slug}/versions/1.0.0/signatures/ticket", customerPage, StringComparison.Ordinal);
        Assert.Contains($"<code>{key.KeyId}</code>", customerPage, StringComparison.Ordinal);
        foreach (var (who, page) in new[] { (vendor, $"/console/vendor/apps/{slug}/versions/1.0.0"), (staff, $"/console/review/apps/{slug}/versions/1.0.0") })
        {
            var html = await who.GetStringAsync(page);
            Assert.Contains("<h2 id=\"signatures-h\">Signatures</h2>", html, StringComparison.Ordinal);
            Assert.Contains($"<code>{key.KeyId}</code>", html, StringComparison.Ordinal);
            Assert.Contains("tool.zip.sigstore.json", html, StringComparison.Ordinal);
        }

        // Rotate, then retire the old key: the retirement queues the re-signing in its own unit of work; the served bundle
        // and ticket are then by the new key (the old ones are gone), one audit entry per replaced signature names the old
        // key, and a second run changes nothing.
        var (adminToken, _) = await app.IssueTokenAsync((await app.AdminAsync()).Id);
        using var adminApi = app.ClientWith(adminToken);
        Assert.Equal(HttpStatusCode.Created, (await adminApi.PostAsync("/api/signing/keys", null)).StatusCode);
        var newKey = PublicKey.FromPem(await anonymous.GetStringAsync("/.well-known/gatehouse/keys.pem"));
        Assert.NotEqual(key.KeyId, newKey.KeyId);
        Assert.Equal(HttpStatusCode.OK, (await adminApi.PostAsync($"/api/signing/keys/{key.KeyId}/retire", null)).StatusCode);
        var queued = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().WorkItems.AsNoTracking()
            .CountAsync(w => w.Kind == SigningWork.Sign && w.Payload == SigningWork.Payload(versionId)));
        Assert.Equal(2, queued); // the publication's item and the retirement's
        var resigned = await WaitForSignaturesAsync(app, versionId, 2, newKey.KeyId);
        Assert.All(resigned, r => Assert.Equal("sha256:" + hex, r.SubjectDigest));
        var jwks = JsonDocument.Parse(await anonymous.GetStringAsync("/.well-known/gatehouse/keys")).RootElement;
        Assert.Equal([newKey.KeyId], jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()));
        Assert.Equal([key.KeyId], jwks.GetProperty("retired").EnumerateArray().Select(k => k.GetProperty("kid").GetString()));
        var newBundle = await customer.GetByteArrayAsync($"/api/apps/{slug}/versions/1.0.0/signatures/bundle");
        var newTicket = await customer.GetByteArrayAsync($"/api/apps/{slug}/versions/1.0.0/signatures/ticket");
        Assert.NotEqual(bundle, newBundle);
        Assert.NotEqual(ticket, newTicket);
        Assert.True(SigstoreBundle.VerifyDigest(newKey, newBundle, Convert.FromHexString(hex)).Valid);
        Assert.False(SigstoreBundle.VerifyDigest(key, newBundle, Convert.FromHexString(hex)).Valid);
        var newEnvelope = Encoding.UTF8.GetBytes(JsonDocument.Parse(newTicket).RootElement.GetProperty("dsseEnvelope").GetRawText());
        Assert.True(ApprovalTicket.Verify(newKey, newEnvelope, hex, out _).Valid);
        Assert.Equal(newKey.KeyId, JsonDocument.Parse(newBundle).RootElement.GetProperty("verificationMaterial").GetProperty("publicKey").GetProperty("hint").GetString());
        var replacedEntries = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.AsNoTracking()
            .Where(e => e.Action == SigningAuditActions.ArtifactSigned && e.Subject == versionId.ToString() && e.Data.Contains(key.KeyId)).Select(e => e.Data).ToListAsync());
        Assert.Equal(2, replacedEntries.Count(d => JsonDocument.Parse(d).RootElement.TryGetProperty("replacedKeyId", out var r) && r.GetString() == key.KeyId));
        Assert.Equal(4, await AuditedAsync(app, versionId));
        var rerun = await app.WithScopeAsync(sp => sp.GetRequiredService<ArtifactSigner>().SignVersionAsync(versionId, ct));
        Assert.Contains("signed-already", rerun, StringComparison.Ordinal);
        Assert.Equal(4, await AuditedAsync(app, versionId));
        Assert.Equal(resigned.Select(r => r.Content), (await SignaturesAsync(app, versionId)).OrderBy(r => r.Kind, StringComparer.Ordinal).Select(r => r.Content));
    }

    [GeneratedRegex("^<(?<url>[^>]+)>; rel=\"(?<rel>[^\"]+)\"")]
    private static partial Regex LinkPattern();

    internal static async Task<List<ArtifactSignature>> WaitForSignaturesAsync(GatehouseApp app, Guid versionId, int count, string? keyId = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var rows = (await SignaturesAsync(app, versionId)).Where(r => keyId is null || r.KeyId == keyId).OrderBy(r => r.Kind, StringComparer.Ordinal).ToList();
            if (rows.Count >= count) return rows;
            if (watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                var work = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().WorkItems.AsNoTracking()
                    .Where(w => w.Kind == SigningWork.Sign).Select(w => w.State + " " + w.Result + " " + w.LastError).ToListAsync());
                Assert.Fail($"timed out waiting for {count} signatures; work: {string.Join(" | ", work)}");
            }
            await Task.Delay(100);
        }
    }

    internal static Task<List<ArtifactSignature>> SignaturesAsync(GatehouseApp app, Guid versionId) =>
        app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Set<ArtifactSignature>().AsNoTracking().Where(s => s.VersionId == versionId).ToListAsync());

    private static Task<int> AuditedAsync(GatehouseApp app, Guid versionId) =>
        app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.AsNoTracking()
            .CountAsync(e => e.Action == SigningAuditActions.ArtifactSigned && e.Subject == versionId.ToString()));

    /// <summary>tools/sigstore/verify.js (@sigstore/verify 4.1.3, offline, our key): one "OK" or "FAIL ..." line per case.</summary>
    internal static async Task<string[]> NodeVerifyAsync(params (string Bundle, string Artifact, string Key)[] cases)
    {
        var tools = SigstoreTools();
        var start = new ProcessStartInfo("node", Path.Combine(tools, "verify.js"))
        { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = tools };
        using var p = Process.Start(start)!;
        await p.StandardInput.WriteAsync(JsonSerializer.Serialize(cases.Select(c => new { bundle = c.Bundle, artifact = c.Artifact, key = c.Key })));
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEndAsync();
        var lines = (await p.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0 && lines.Length == cases.Length, $"node verify.js: {string.Join('\n', lines)} {await stderr}");
        return lines;
    }

    private static async Task<(int Exit, string Output)> OpensslAsync(string dir, params string[] args)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, (stdout + await stderr).Trim());
    }

    private static string SigstoreTools()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var tools = Path.Combine(dir.FullName, "tools", "sigstore");
            if (File.Exists(Path.Combine(tools, "package.json")))
                return Directory.Exists(Path.Combine(tools, "node_modules", "@sigstore", "verify")) ? tools
                    : throw new InvalidOperationException($"@sigstore/verify is not installed: run `npm ci --prefix {tools}` (test.sh does)");
        }
        throw new InvalidOperationException("tools/sigstore not found above the test binaries");
    }

    internal sealed class TempDir : IDisposable
    {
        public string Dir { get; } = Directory.CreateTempSubdirectory("gh-signed-").FullName;

        public string Write(string name, byte[] bytes) { var p = Path.Combine(Dir, name); File.WriteAllBytes(p, bytes); return p; }

        public string Write(string name, string text) { var p = Path.Combine(Dir, name); File.WriteAllText(p, text); return p; }

        public void Dispose() { try { Directory.Delete(Dir, true); } catch (IOException) { } }
    }
}
