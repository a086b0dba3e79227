using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Analysis.Signing;
using Gatehouse.Analysis.Signing.Provenance;
using Gatehouse.Cli;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Signing;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Gatehouse.Server.Tests.Signing;

/// <summary>
/// Platform keys: the admin API, the console page and <c>gatehouse keys</c> rotate and retire them (and <c>gatehouse verify</c>
/// trusts what the published keys sign until the key is retired); the well-known
/// endpoints publish them (JWKS with statuses, the active PEM, each key's PEM, the OpenPGP keyring helm verify reads).
/// </summary>
public sealed class PlatformKeysTests
{
    static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    static SigningKey Row(EcdsaP256Signer s, DateTimeOffset created, DateTimeOffset? superseded = null, DateTimeOffset? retired = null) => new()
    {
        Id = s.KeyId, Algorithm = "ES256", PublicKeyPem = s.PublicKey.ToPem(), Provider = "software", CreatedAt = created, CreatedBy = "test",
        SupersededAt = superseded, RetiredAt = retired,
    };

    [Fact]
    public void The_jwks_lists_active_and_superseded_keys_and_keeps_retired_ones_apart()
    {
        using var a = EcdsaP256Signer.Generate();
        using var b = EcdsaP256Signer.Generate();
        using var c = EcdsaP256Signer.Generate();
        using var racing = EcdsaP256Signer.Generate();
        // Two racing rotations left two rows without a superseded date: the newer one is active, the other superseded.
        var rows = new[]
        {
            Row(a, T0, superseded: T0.AddDays(1), retired: T0.AddDays(5)),
            Row(b, T0.AddDays(1), superseded: T0.AddDays(2)),
            Row(racing, T0.AddDays(2)),
            Row(c, T0.AddDays(2).AddSeconds(1)),
        };

        Assert.Equal(c.KeyId, PlatformKeyStatus.ActiveId(rows));
        using var doc = JsonDocument.Parse(PublishedKeys.Jwks(rows));
        var keys = doc.RootElement.GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal([c.KeyId, racing.KeyId, b.KeyId], keys.Select(k => k.GetProperty("kid").GetString()));
        Assert.Equal(["active", "superseded", "superseded"], keys.Select(k => k.GetProperty("status").GetString()));
        Assert.Equal("2026-03-03T10:00:01Z", keys[0].GetProperty("created").GetString());
        foreach (var (name, value) in new[] { ("kty", "EC"), ("crv", "P-256"), ("use", "sig"), ("alg", "ES256") })
            Assert.Equal(value, keys[0].GetProperty(name).GetString());
        var retired = Assert.Single(doc.RootElement.GetProperty("retired").EnumerateArray().ToList());
        Assert.Equal(a.KeyId, retired.GetProperty("kid").GetString());
        Assert.Equal("retired", retired.GetProperty("status").GetString());
        Assert.Equal("2026-03-06T10:00:00Z", retired.GetProperty("retired").GetString());
        Assert.Null(PublishedKeys.Active([Row(a, T0, retired: T0.AddDays(1))]));
        Assert.Equal("""{"keys":[],"retired":[]}""", PublishedKeys.Jwks([]));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Admins_rotate_and_retire_keys_and_customers_fetch_what_is_published(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db);
        var admin = await app.AdminAsync();
        var (adminToken, _) = await app.IssueTokenAsync(admin.Id);
        using var adminApi = app.ClientWith(adminToken);
        using var anonymous = app.ClientWith(null);
        var (_, devToken) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        using var developer = app.ClientWith(devToken);

        // Nothing yet: an empty JWKS, and no anonymous request makes a key.
        Assert.Equal("""{"keys":[],"retired":[]}""", await anonymous.GetStringAsync("/.well-known/gatehouse/keys"));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/.well-known/gatehouse/keys.pem")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/.well-known/gatehouse/pubring.gpg")).StatusCode);

        // Only admins: a developer is refused, an anonymous caller asked to sign in, and neither makes a key.
        Assert.Equal(HttpStatusCode.Forbidden, (await developer.PostAsync("/api/signing/keys", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await developer.GetAsync("/api/signing/keys")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/signing/keys", null)).StatusCode);

        // The first key, by the CLI; it is what the ring signs with.
        var first = await CliRunner.RunAsync(app, adminToken, "keys", "rotate", "--format", "json");
        Assert.True(first.ExitCode == ExitCodes.Ok, first.Err);
        var k1 = JsonDocument.Parse(first.Out).RootElement.GetProperty("key").GetProperty("kid").GetString()!;
        var ring = app.Services.GetRequiredService<PlatformKeyRing>();
        Assert.Equal(k1, (await ring.CurrentAsync(CancellationToken.None)).KeyId);

        // gatehouse verify --key <the well-known JWKS> trusts a file's bundle and a chart's .prov (keyring fetched from
        // pubring.gpg beside the key URL) signed with k1; after k1 is retired (below) it refuses both.
        using var signed = new SignedByKey(await ring.CurrentAsync(CancellationToken.None));
        var keysUrl = new Uri(app.Server.BaseAddress, "/.well-known/gatehouse/keys").ToString();
        var verified = await CliRunner.RunAsync(app, null, "verify", signed.File, "--key", keysUrl);
        Assert.True(verified.ExitCode == ExitCodes.Ok, verified.Out + verified.Err);
        Assert.Contains($"(key {k1})", verified.Out, StringComparison.Ordinal);
        var verifiedChart = await CliRunner.RunAsync(app, null, "verify", signed.Chart, "--key", keysUrl, "--format", "json");
        Assert.True(verifiedChart.ExitCode == ExitCodes.Ok, verifiedChart.Out + verifiedChart.Err);
        Assert.Equal(["prov"], JsonDocument.Parse(verifiedChart.Out).RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("check").GetString()));

        // Rotation through the API: k1 superseded (at k2's creation), k2 signs.
        using var rotated = await adminApi.PostAsync("/api/signing/keys", null);
        Assert.Equal(HttpStatusCode.Created, rotated.StatusCode);
        var body = await rotated.Content.ReadFromJsonAsync<JsonElement>();
        var k2 = body.GetProperty("key").GetProperty("kid").GetString()!;
        Assert.Equal([k1], body.GetProperty("superseded").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal($"/.well-known/gatehouse/keys/{k2}.pem", rotated.Headers.Location?.OriginalString);
        var current = await ring.CurrentAsync(CancellationToken.None);
        Assert.Equal(k2, current.KeyId);

        var list = await adminApi.GetFromJsonAsync<JsonElement>("/api/signing/keys");
        Assert.Equal([(k2, "active"), (k1, "superseded")], list.EnumerateArray().Select(k => (k.GetProperty("kid").GetString()!, k.GetProperty("status").GetString()!)));
        var fingerprints = list.EnumerateArray().Select(k => k.GetProperty("openPgpFingerprint").GetString()!).ToList();

        // Published: both in the JWKS; the active PEM verifies what the ring signs; the keyring holds both OpenPGP keys,
        // and a .prov made with the ring's signer and its stored creation time verifies against it.
        using (var jwks = JsonDocument.Parse(await anonymous.GetStringAsync("/.well-known/gatehouse/keys")))
        {
            Assert.Equal([k2, k1], jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()));
            Assert.Empty(jwks.RootElement.GetProperty("retired").EnumerateArray());
        }
        using var pem = await anonymous.GetAsync("/.well-known/gatehouse/keys.pem");
        Assert.Equal("application/x-pem-file", pem.Content.Headers.ContentType?.MediaType);
        var activeKey = PublicKey.FromPem(await pem.Content.ReadAsStringAsync());
        Assert.Equal(k2, activeKey.KeyId);
        var message = Encoding.UTF8.GetBytes("approved bytes");
        Assert.True(activeKey.Verify(message, current.Signer.Sign(message)));
        var pubring = HelmProvenance.ReadPublicKeyring(await anonymous.GetByteArrayAsync("/.well-known/gatehouse/pubring.gpg"));
        Assert.Equal(fingerprints.Order(), pubring.GetKeyRings().Cast<PgpPublicKeyRing>().Select(r => Convert.ToHexString(r.GetPublicKey().GetFingerprint())).Order());
        var chart = Encoding.ASCII.GetBytes("chart bytes");
        var prov = OpenPgpKey.SignProvenance(current.Signer, current.CreatedAt, current.CreatedAt.AddMinutes(1), chart, "demo-0.1.0.tgz", "apiVersion: v2\nname: demo\nversion: 0.1.0\n");
        Assert.True(HelmProvenance.Verify(prov, chart, "demo-0.1.0.tgz", pubring).Valid);

        // Retiring: never the active key, never an unknown one; a superseded one through the CLI, once.
        using (var active = await adminApi.PostAsync($"/api/signing/keys/{k2}/retire", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, active.StatusCode);
            Assert.Contains("rotate first", await active.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await adminApi.PostAsync("/api/signing/keys/no-such-key/retire", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await developer.PostAsync($"/api/signing/keys/{k1}/retire", null)).StatusCode);
        var retire = await CliRunner.RunAsync(app, adminToken, "keys", "retire", k1);
        Assert.True(retire.ExitCode == ExitCodes.Ok, retire.Err);
        Assert.Contains($"signing key {k1} retired at ", retire.Out, StringComparison.Ordinal);
        var again = await CliRunner.RunAsync(app, adminToken, "keys", "retire", k1);
        Assert.Equal(ExitCodes.Incomplete, again.ExitCode);
        Assert.Contains("[request.conflict]", again.Err, StringComparison.Ordinal);
        var refused = await CliRunner.RunAsync(app, null, "verify", signed.File, "--key", keysUrl);
        Assert.Equal(ExitCodes.GateSaidNo, refused.ExitCode);
        Assert.Contains("[signing.key-retired]", refused.Err, StringComparison.Ordinal);
        var refusedChart = await CliRunner.RunAsync(app, null, "verify", signed.Chart, "--key", keysUrl);
        Assert.Equal(ExitCodes.GateSaidNo, refusedChart.ExitCode);
        Assert.Contains("[prov.unknown-key]", refusedChart.Err, StringComparison.Ordinal);

        // Published as retired: out of "keys", in "retired" with its date; its PEM still served, marked; out of the keyring.
        using (var jwks = JsonDocument.Parse(await anonymous.GetStringAsync("/.well-known/gatehouse/keys")))
        {
            Assert.Equal([k2], jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()));
            var gone = Assert.Single(jwks.RootElement.GetProperty("retired").EnumerateArray().ToList());
            Assert.Equal(k1, gone.GetProperty("kid").GetString());
            Assert.True(DateTimeOffset.TryParse(gone.GetProperty("retired").GetString(), out _));
        }
        using (var old = await anonymous.GetAsync($"/.well-known/gatehouse/keys/{k1}.pem"))
        {
            Assert.Equal(HttpStatusCode.OK, old.StatusCode);
            Assert.Equal("retired", old.Headers.GetValues(PlatformKeysApi.StatusHeader).Single());
            Assert.Equal(k1, PublicKey.FromPem(await old.Content.ReadAsStringAsync()).KeyId);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/.well-known/gatehouse/keys/unknown.pem")).StatusCode);
        var afterRetire = HelmProvenance.ReadPublicKeyring(await anonymous.GetByteArrayAsync("/.well-known/gatehouse/pubring.gpg"));
        Assert.Equal(fingerprints[0], Convert.ToHexString(Assert.Single(afterRetire.GetKeyRings().Cast<PgpPublicKeyRing>()).GetPublicKey().GetFingerprint()));

        var table = await CliRunner.RunAsync(app, adminToken, "keys", "list");
        Assert.True(table.ExitCode == ExitCodes.Ok, table.Err);
        Assert.Contains("OPENPGP FINGERPRINT", table.Out, StringComparison.Ordinal);
        Assert.Matches($"{k2}\\s+active", table.Out);
        Assert.Matches($"{k1}\\s+retired", table.Out);

        // The console: the same list with the exact PEM links, rotation through the form (antiforgery checked), admins only.
        var consoleAdmin = await app.CreateUserAsync(Roles.Admin, "keys-admin");
        using var browser = FormLogin.CookieClient(app);
        using (var signIn = await FormLogin.SignInAsync(app, browser, consoleAdmin.Email!, "a-long-enough-password"))
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        const string page = "/console/admin/signing-keys";
        using (var forged = await browser.PostAsync(page + "?handler=Rotate", new FormUrlEncodedContent([])))
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using (var rotate = await browser.PostAsync(page + "?handler=Rotate", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await FormLogin.FormTokenAsync(browser, page),
        })))
            Assert.Equal(HttpStatusCode.Redirect, rotate.StatusCode);
        var k3 = (await ring.CurrentAsync(CancellationToken.None)).KeyId;
        Assert.NotEqual(k2, k3);
        var html = await browser.GetStringAsync(page);
        Assert.Contains($"New active signing key {k3}. Superseded: {k2} (still published).", html, StringComparison.Ordinal);
        foreach (var (kid, status) in new[] { (k3, "active"), (k2, "superseded"), (k1, "retired") })
        {
            Assert.Contains($"data-kid=\"{kid}\" data-status=\"{status}\"", html, StringComparison.Ordinal);
            Assert.Contains($"href=\"/.well-known/gatehouse/keys/{kid}.pem\"", html, StringComparison.Ordinal);
        }
        Assert.Contains($"value=\"{k2}\"", html, StringComparison.Ordinal);         // a retire button for the superseded key only
        Assert.DoesNotContain($"value=\"{k3}\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/console/admin/signing-keys\" aria-current=\"page\"", html, StringComparison.Ordinal);
        var (_, reviewerToken) = await app.UserWithTokenAsync(Roles.Reviewer, "keys-reviewer");
        using var reviewer = app.ClientWith(reviewerToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync(page)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.PostAsync("/api/signing/keys", null)).StatusCode);

        // A rotation whose audit entry fails leaves no key behind.
        app.AuditFailure.Arm(SigningAuditActions.KeyCreated);
        Assert.Equal(HttpStatusCode.InternalServerError, (await adminApi.PostAsync("/api/signing/keys", null)).StatusCode);
        Assert.True(app.AuditFailure.Fired);

        // Every change audited with its actor, in the same unit of work as the change; the gap check finds none, and
        // finds a key written behind the server's back.
        await app.WithScopeAsync(async sp =>
        {
            var data = sp.GetRequiredService<GatehouseDb>();
            Assert.Equal(3, await data.Set<SigningKey>().CountAsync());
            var entries = await data.AuditEntries.AsNoTracking().Where(e => e.Action.StartsWith("signing.key-")).ToListAsync();
            Assert.Equal([(SigningAuditActions.KeyCreated, k1, admin.Id), (SigningAuditActions.KeyCreated, k2, admin.Id), (SigningAuditActions.KeyRetired, k1, admin.Id), (SigningAuditActions.KeyCreated, k3, consoleAdmin.Id)],
                entries.OrderBy(e => e.Sequence).Select(e => (e.Action, e.Subject, e.Actor)));
            var gaps = sp.GetServices<Gatehouse.Server.Audit.IAuditGapCheck>().OfType<SigningKeyAuditGaps>().Single();
            Assert.Empty(await gaps.FindAsync(CancellationToken.None));
            using var sneaked = EcdsaP256Signer.Generate();
            data.Add(Row(sneaked, T0, superseded: T0, retired: T0.AddDays(1)));
            await data.SaveChangesAsync();
            Assert.Equal([("signing.key-created", sneaked.KeyId), ("signing.key-retired", sneaked.KeyId)],
                (await gaps.FindAsync(CancellationToken.None)).Select(g => (g.Kind, g.Subject)).Order());
        });
    }
}
