using System.Net;
using System.Text;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Security;

/// <summary>
/// The authorization matrix: EVERY route the server registers (from its endpoint list, so a new route is covered
/// without writing a test) x every kind of caller (anonymous, owner and member of organisation A, a developer of
/// organisation B, a reviewer, an admin, the admin of a tenant that installed A's app and of one that did not, and
/// A's app's API key), with route parameters filled with organisation A's real objects. The expected answer class
/// (allowed, 401, 403, 404) comes from the route's authorization metadata and what its parameters point at
/// (<see cref="Expect"/>), corrected by the small declared table <see cref="Exceptions"/>, each with its reason.
/// A route parameter nobody taught the test, or an answer that differs from the expectation, fails the test.
/// Console pages are asked with console sessions (cookies), everything else with bearer credentials.
/// Identity/EndpointAuthorizationTests keeps checking anonymous callers and leaks to organisation B in detail.
/// </summary>
public sealed class AuthorizationMatrixTests(SharedServers servers) : IClassFixture<SharedServers>
{
    /// <summary>The callers. Order matters for state-changing calls: those expected to be refused go first.</summary>
    public enum Caller { Anonymous, ApiKey, DeveloperB, ForeignTenantAdmin, TenantAdmin, Reviewer, Admin, MemberA, OwnerA }

    /// <summary>Answer classes: O allowed (2xx, 3xx but a sign-in redirect, 400, 409, 410, 415, 422), U 401 or a sign-in redirect, F 403, H 404.</summary>
    private const string Any = "OUFH";

    /// <summary>
    /// Where the answer differs from what <see cref="Expect"/> derives, by route ("METHOD pattern") and caller (or "*" for
    /// all callers). The value lists the accepted classes; the comment says why.
    /// </summary>
    private static readonly Dictionary<string, Dictionary<string, string>> Exceptions = new(StringComparer.Ordinal)
    {
        // What the seed does not have: 404 for those who may see it as for those who may not (no existence leak either way).
        ["GET /api/agreements/current"] = new() { ["*"] = "H" }, // no agreement is published on the shared server (Agreements/ tests read one)
        ["GET /api/agreements/{agreementVersion:int}"] = new() { ["*"] = "H" },
        ["GET /api/apps/{app}/oauth-client"] = new() { ["*"] = "H" }, // only approved web integrations get a client (OAuth/AppClientTests)
        ["PUT /api/apps/{app}/oauth-client/redirect-uris"] = new() { ["*"] = "FH" },
        ["POST /api/apps/{app}/oauth-client/rotate-secret"] = new() { ["*"] = "FH" },
        ["GET /api/apps/{app}/usage/alerts/{alertId:guid}"] = new() { ["*"] = "FH" }, // no alert has the id (Usage/ tests)
        ["POST /api/apps/{app}/usage/alerts/{alertId:guid}/acknowledge"] = new() { ["*"] = "FH" },
        // Resolving needs a note: staff get past authorization and {} is refused (400) before the alert is looked up.
        ["POST /api/apps/{app}/usage/alerts/{alertId:guid}/resolve"] = new() { ["*"] = "FH", ["Reviewer"] = "OH", ["Admin"] = "OH" },
        ["GET /api/apps/{app}/versions/{version}/sbom"] = new() { ["*"] = "H" }, // a version in review has no SBOM, signature or signatures yet
        ["GET /api/apps/{app}/versions/{version}/signature/"] = new() { ["*"] = "H" },
        ["GET /api/apps/{app}/versions/{version}/signatures/{kind}"] = new() { ["*"] = "H" },
        ["GET /api/evidence/{evidenceId:guid}/file"] = new() { ["*"] = "H" }, // the seeded evidence has no blob
        ["GET /api/admin/registry/certificate"] = new() { ["Admin"] = "H" }, // no registry is configured on the test server
        ["POST /api/admin/download-keys/{keyId}/retire"] = new() { ["Admin"] = "H" }, // {keyId} is an API key's id: no download key has it
        ["POST /api/signing/keys/{kid}/retire"] = new() { ["Admin"] = "H" }, // no platform key has the made-up kid
        ["POST /api/invitations/accept"] = new() { ["*"] = "H" }, // {} names no invitation: invitation.invalid is 404 for everyone
        ["POST /api/tenants/{tenantId:guid}/installations"] = new() { ["Admin"] = "H", ["TenantAdmin"] = "H" }, // {} names no app
        // Decisions of the model, not of the metadata.
        ["DELETE /api/tokens/{tokenId}"] = new() { ["*"] = "H", ["Admin"] = "O", ["OwnerA"] = "O" }, // a token is its owner's; admins revoke any
        ["GET /api/orgs/{orgId:guid}/invitations"] = new() { ["MemberA"] = "F", ["Reviewer"] = "F" }, // owners (and admins) manage invitations
        ["POST /api/orgs/{orgId:guid}/invitations"] = new() { ["MemberA"] = "F" },
        ["DELETE /api/invitations/{invitationId:guid}"] = new() { ["Reviewer"] = "FH" },
        ["POST /api/orgs/{orgId:guid}/signing-keys/"] = new() { ["MemberA"] = "F" }, // vendor keys and webhooks: owners only
        ["POST /api/orgs/{orgId:guid}/signing-keys/{key}/revoke"] = new() { ["MemberA"] = "F" },
        ["POST /api/orgs/{orgId:guid}/webhooks"] = new() { ["MemberA"] = "F" },
        ["POST /api/webhooks/{webhookId:guid}/rotate-secret"] = new() { ["MemberA"] = "F" },
        ["GET /api/tenants/{tenantId:guid}/installations/"] = new() { ["Reviewer"] = "O" }, // staff read tenants' installations and usage
        ["GET /api/tenants/{tenantId:guid}/usage"] = new() { ["Reviewer"] = "O" },
        ["GET /console/customer/tenants/{tenantId:guid}/usage"] = new() { ["Reviewer"] = "O" },
        ["GET /console/vendor/orgs/{orgId:guid}/apps/new"] = new() { ["Reviewer"] = "H", ["Admin"] = "H" }, // staff do not register vendors' apps
        // Hangfire's dashboard wants its own antiforgery token on changes, even with a bearer token.
        ["POST /hangfire/{**path}"] = new() { ["Admin"] = "F" },
        ["PUT /hangfire/{**path}"] = new() { ["Admin"] = "F" },
        ["DELETE /hangfire/{**path}"] = new() { ["Admin"] = "F" },
    };

    private sealed record Call(string Method, string Pattern, string Path, bool Page, bool Public, string? Policy, string[] Parameters);

    [Fact]
    public async Task Every_route_answers_every_caller_as_its_authorization_metadata_says()
    {
        var app = await servers.For(DbKind.Sqlite);
        var w = await World.CreateAsync(app);
        var calls = Calls(app, w.Fill);
        Assert.Contains(calls, c => c.Pattern == "/api/orgs/{orgId:guid}/members");
        Assert.Contains(calls, c => c.Page);
        var stale = Exceptions.Keys.Where(k => !calls.Any(c => $"{c.Method} {c.Pattern}" == k)).ToList();
        Assert.True(stale.Count == 0, "exceptions for routes that no longer exist: " + string.Join(", ", stale));

        var failures = new List<string>();
        var observed = new List<string>();
        // Reads first, all at once (they change nothing; a few at a time keeps the run short), then changes one by one;
        // a DELETE that worked is not repeated by later callers (the object is gone).
        var reads = calls.Where(c => c.Method is "GET" or "HEAD").SelectMany(c => Enum.GetValues<Caller>().Select(caller => (c, caller))).ToList();
        var answers = new System.Collections.Concurrent.ConcurrentDictionary<(Call, Caller), (int, char)>();
        await Parallel.ForEachAsync(reads, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (r, _) => answers[r] = await SendAsync(w, r.c, r.caller));
        foreach (var c in calls.OrderBy(c => c.Method is "GET" or "HEAD" ? 0 : c.Method == "DELETE" ? 2 : 1).ThenBy(c => c.Pattern, StringComparer.Ordinal))
        {
            var row = new StringBuilder($"{c.Method} {c.Pattern}:");
            var deleted = false;
            foreach (var caller in Enum.GetValues<Caller>())
            {
                if (deleted) { row.Append($" {caller}=-"); continue; }
                var (status, cls) = answers.TryGetValue((c, caller), out var known) ? known : await SendAsync(w, c, caller);
                row.Append($" {caller}={status}");
                var expected = ExpectedFor(c, caller);
                if (!expected.Contains(cls, StringComparison.Ordinal) || status >= 500)
                    failures.Add($"{c.Method} {c.Pattern} as {caller}: {status} ({cls}), expected {expected}");
                if (c.Method == "DELETE" && cls == 'O') deleted = true;
            }
            observed.Add(row.ToString());
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n\nobserved:\n" + string.Join("\n", observed));
    }

    /// <summary>
    /// Console forms a caller may not use, refused with a page of their own instead of 403/404, by handler key and caller
    /// ("*": every refused caller); each says why.
    /// </summary>
    private static readonly Dictionary<string, Dictionary<string, string>> PostExceptions = new(StringComparer.Ordinal)
    {
        // Uploads stream the form, so membership is checked from the route before the body is read: a non-member gets
        // the page with the refusal (200) and nothing is read (Security/CsrfTests, RefusedWithThePage).
        ["POST /console/vendor/orgs/{orgId:guid}/evidence handler (default)"] = new() { ["*"] = "OFH" },
        ["POST /console/vendor/apps/{app}/versions/{version} handler Upload"] = new() { ["*"] = "OFH" },
    };

    /// <summary>
    /// Every console form (each Razor page handler that accepts POST), sent with a VALID antiforgery token of the
    /// caller's own session by every caller the page's authorization refuses: each is refused (sign-in, 403 or 404, as
    /// for the page itself) and nothing changes: no audit entry but the refusal summaries, no new or removed object.
    /// (Security/CsrfTests shows the forms refuse a missing or foreign token; this shows a valid token is not enough.)
    /// </summary>
    [Fact]
    public async Task Every_console_form_refuses_the_callers_its_page_refuses_even_with_their_valid_antiforgery_token()
    {
        var app = await servers.For(DbKind.Sqlite);
        var w = await World.CreateAsync(app);
        var forms = ConsoleForms.Of(app).Select(f => (Call: CallOf(f.Endpoint, "POST", page: true, w.Fill), Handler: f.Handler ?? "", f.Key)).ToList();
        Assert.Contains(forms, f => f.Call.Policy == Policies.Admin);
        Assert.Contains(forms, f => f.Call.Policy == Policies.Staff);
        Assert.Contains(forms, f => f.Call.Parameters.Contains("orgId"));
        var stale = PostExceptions.Keys.Where(k => !forms.Any(f => f.Key == k)).ToList();
        Assert.True(stale.Count == 0, "exceptions for forms that no longer exist: " + string.Join(", ", stale));

        // Each session's own, valid token (the antiforgery token is bound to the signed-in user, not to a page).
        var tokens = new Dictionary<Caller, string>();
        foreach (var (caller, session) in w.Sessions.Where(s => s.Key != Caller.ApiKey))
            tokens[caller] = await FormLogin.FormTokenAsync(session, caller == Caller.Anonymous ? "/account/login" : "/account/");
        var before = await SecurityFootprint.OfAsync(app);

        var failures = new List<string>();
        var sent = 0;
        foreach (var (c, handler, key) in forms.Where(f => !f.Call.Public))
        {
            foreach (var caller in Enum.GetValues<Caller>())
            {
                var expected = Expect(c, caller);
                if (expected.Contains('O', StringComparison.Ordinal)) continue; // allowed: the journeys and page tests use the form
                if (PostExceptions.TryGetValue(key, out var ex) && (ex.TryGetValue(caller.ToString(), out var e) || ex.TryGetValue("*", out e)) && caller is not (Caller.Anonymous or Caller.ApiKey))
                    expected = e;
                var session = w.Sessions[caller];
                using var request = new HttpRequestMessage(HttpMethod.Post, c.Path + (handler.Length == 0 ? "" : "?handler=" + Uri.EscapeDataString(handler)));
                var fields = new Dictionary<string, string> { ["name"] = "matrix", ["reason"] = "matrix", ["text"] = "matrix", ["email"] = "matrix@example.com" };
                if (tokens.TryGetValue(caller, out var token))
                {
                    fields["__RequestVerificationToken"] = token;
                    request.Headers.Add(AuthSetup.AntiforgeryHeader, token);
                }
                request.Content = new FormUrlEncodedContent(fields);
                using var response = await session.SendAsync(request);
                sent++;
                var (status, cls) = Classify(response);
                var location = response.Headers.Location?.OriginalString ?? "";
                if (!expected.Contains(cls, StringComparison.Ordinal) || status >= 500)
                    failures.Add($"{key} as {caller} with its own token: {status} ({cls}{(location.Length > 0 ? " to " + location : "")}), expected {expected}");
            }
        }
        Assert.True(sent > 50, $"only {sent} refused form posts were tried");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await SecurityFootprint.OfAsync(app));
    }

    private static string ExpectedFor(Call c, Caller caller)
    {
        // Exceptions are about callers who get past authentication; who does not is the rule's alone.
        var authenticates = caller != Caller.Anonymous && (caller != Caller.ApiKey || c.Policy?.StartsWith("platform", StringComparison.Ordinal) == true);
        if (authenticates && Exceptions.TryGetValue($"{c.Method} {c.Pattern}", out var ex) && (ex.TryGetValue(caller.ToString(), out var e) || ex.TryGetValue("*", out e)))
            return e;
        return Expect(c, caller);
    }

    /// <summary>The rule: what a route's authorization metadata and its parameters say each caller gets.</summary>
    private static string Expect(Call c, Caller caller)
    {
        if (c.Public) return Any; // anonymous by design (Identity/EndpointAuthorizationTests holds that list)
        var platform = c.Policy?.StartsWith("platform", StringComparison.Ordinal) == true;
        if (caller == Caller.Anonymous) return "U";
        if (platform) return caller == Caller.ApiKey ? "O" : "UF";
        if (caller == Caller.ApiKey) return "U"; // an API key is a credential for the platform API only
        var staff = caller is Caller.Reviewer or Caller.Admin;
        if (c.Policy == Policies.Admin) return caller == Caller.Admin ? "O" : "F";
        if (c.Policy == Policies.Staff) return staff ? "O" : "F";
        // Authenticated routes: what the parameters point at decides.
        var orgScoped = c.Parameters.Any(p => World.OrgObjects.Contains(p));
        var tenantScoped = c.Parameters.Any(p => p is "tenantId" or "installationId");
        if (tenantScoped) return caller is Caller.TenantAdmin or Caller.Admin ? "O" : "H";
        if (orgScoped)
        {
            if (caller is Caller.OwnerA or Caller.MemberA) return "O";
            if (staff) return c.Method is "GET" or "HEAD" ? "O" : "OF"; // staff see every organisation; acting for a vendor is members' only (403)
            return "H"; // a foreign organisation's object does not exist for the caller
        }
        return "O";
    }

    private static List<Call> Calls(GatehouseApp app, Func<string, string> fill)
    {
        var calls = new List<Call>();
        foreach (var ep in app.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var page = ep.Metadata.GetMetadata<PageActionDescriptor>() is not null;
            var methods = ep.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? (page ? ["GET"] : ["GET", "POST", "PUT", "DELETE"]);
            calls.AddRange(methods.Select(m => CallOf(ep, m, page, fill)));
        }
        return calls.DistinctBy(c => c.Method + " " + c.Path).ToList();
    }

    /// <summary>One call of <paramref name="ep"/>: its parameters filled, its authorization metadata read.</summary>
    private static Call CallOf(RouteEndpoint ep, string method, bool page, Func<string, string> fill)
    {
        var pattern = "/" + ep.RoutePattern.RawText!.TrimStart('/');
        var path = pattern;
        foreach (var p in ep.RoutePattern.Parameters)
            path = System.Text.RegularExpressions.Regex.Replace(path, @"\{\**" + p.Name + @"(:[^}]*)?\??\}", fill(p.Name));
        return new Call(method, pattern, path, page, ep.Metadata.GetMetadata<IAllowAnonymous>() is not null,
            ep.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null), [.. ep.RoutePattern.Parameters.Select(p => p.Name)]);
    }

    private static async Task<(int Status, char Class)> SendAsync(World w, Call c, Caller caller)
    {
        var client = c.Page ? w.Sessions[caller] : w.Bearers[caller];
        var upload = c.Method is "POST" or "PUT" && (c.Pattern.TrimEnd('/').EndsWith("/scans", StringComparison.Ordinal)
            || c.Pattern.TrimEnd('/').EndsWith("/evidence", StringComparison.Ordinal) || c.Pattern.EndsWith("/artifact", StringComparison.Ordinal));
        var path = !upload ? c.Path
            : c.Pattern.TrimEnd('/').EndsWith("/evidence", StringComparison.Ordinal) ? c.Path + "?type=iso27001&issuer=M&scope=M&validFrom=2026-01-01&validUntil=2030-01-01&name=m.pdf"
            : c.Path + "?name=m.bin";
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), path)
        {
            // Uploads with a file's content type, so that what answers is the authorization, not the media-type check.
            Content = c.Method is "GET" or "HEAD" or "DELETE" ? null
                : upload ? new ByteArrayContent([1, 2, 3]) { Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream") } }
                : new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        using var response = await client.SendAsync(request);
        return Classify(response);
    }

    /// <summary>The answer class of a response (see <see cref="Any"/>).</summary>
    private static (int Status, char Class) Classify(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var location = response.Headers.Location?.OriginalString ?? "";
        return (status, status switch
        {
            401 => 'U',
            403 => 'F',
            404 => 'H',
            302 or 303 when location.Contains("/account/login", StringComparison.Ordinal) => 'U',
            _ => 'O',
        });
    }

    /// <summary>Organisation A and its objects, the other organisation and tenants, and a client per caller.</summary>
    private sealed class World
    {
        /// <summary>Route parameters that name something of organisation A.</summary>
        public static readonly HashSet<string> OrgObjects =
        [
            "orgId", "app", "version", "scanId", "webhookId", "evidenceId", "suppressionId", "keyId", "credentialId", "invitationId",
            "key", "versionId", "alertId",
        ];

        public required Func<string, string> Fill { get; init; }
        public required Dictionary<Caller, HttpClient> Bearers { get; init; }
        public required Dictionary<Caller, HttpClient> Sessions { get; init; }

        public static async Task<World> CreateAsync(GatehouseApp app)
        {
            const string password = "a-long-enough-password";
            var (ownerA, ownerToken) = await app.UserWithTokenAsync(Roles.Developer, "mx-owner-a");
            var (memberA, memberToken) = await app.UserWithTokenAsync(Roles.Developer, "mx-member-a");
            var victimA = await app.CreateUserAsync(Roles.Developer, "mx-victim-a");
            var orgA = await app.CreateOrganizationAsync(ownerA.Id, "Matrix Org A " + Guid.NewGuid().ToString("N")[..8]);
            await app.JoinOrganizationAsync(orgA.Id, memberA);
            await app.JoinOrganizationAsync(orgA.Id, victimA);
            var (_, tokenRecordA) = await app.IssueTokenAsync(ownerA.Id, Scopes.Read);
            var (devB, devBToken) = await app.UserWithTokenAsync(Roles.Developer, "mx-dev-b");
            await app.CreateOrganizationAsync(devB.Id);
            var (reviewer, reviewerToken) = await app.UserWithTokenAsync(Roles.Reviewer, "mx-reviewer");
            var (admin, adminToken) = await app.UserWithTokenAsync(Roles.Admin, "mx-admin");
            var (tenantAdmin, tenantAdminToken) = await app.UserWithTokenAsync(Roles.Developer, "mx-tenant-admin");
            var (foreignTenantAdmin, foreignTenantAdminToken) = await app.UserWithTokenAsync(Roles.Developer, "mx-foreign-tenant-admin");
            var tenantT = await Gatehouse.Server.Tests.OAuth.OAuthWorld.CreateTenantAsync(app, "Matrix tenant T", tenantAdmin.Id);
            await Gatehouse.Server.Tests.OAuth.OAuthWorld.CreateTenantAsync(app, "Matrix tenant U", foreignTenantAdmin.Id);

            var (appA, versionA, scanA, suppressionA, evidenceA, webhookA, credentialA, vendorKeyA, installationA, agreementVersion) = await app.WithScopeAsync(async sp =>
            {
                var d = sp.GetRequiredService<GatehouseDb>();
                var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
                var scan = new Gatehouse.Server.Scanning.Scan
                {
                    Id = Guid.NewGuid(), OrganizationId = orgA.Id, SubmittedBy = ownerA.Id, BlobDigest = "sha256:" + new string('a', 64),
                    FileName = "mx-a.zip", ArtifactType = "downloadable", State = Gatehouse.Server.Scanning.ScanState.Done,
                    Verdict = Gatehouse.Analysis.Verdicts.Verdict.Pass,
                };
                var a = new Gatehouse.Server.Apps.App
                {
                    Id = Guid.NewGuid(), OrganizationId = orgA.Id, Slug = "mx-app-a-" + Guid.NewGuid().ToString("N")[..8], Name = "Matrix App A",
                    Type = "downloadable", Tier = "standard", CreatedBy = ownerA.Id, CreatedAt = now,
                };
                var v = new Gatehouse.Server.Apps.AppVersion
                {
                    Id = Guid.NewGuid(), AppId = a.Id, OrganizationId = orgA.Id, Version = "1.0.0", State = Gatehouse.Server.Apps.VersionStates.InReview,
                    ArtifactDigest = scan.BlobDigest, ArtifactName = "mx-a.zip", ArtifactSize = 1, CurrentScanId = scan.Id, QuestionnaireResult = "info",
                    AttestedAt = now, AttestationName = "Matrix Attester A", SubmittedAt = now, SlaDueAt = now.AddDays(5), CreatedBy = ownerA.Id, CreatedAt = now, UpdatedAt = now,
                };
                var s = new Gatehouse.Server.Apps.Suppression
                {
                    Id = Guid.NewGuid(), AppId = a.Id, OrganizationId = orgA.Id, Fingerprint = new string('f', 64), RuleId = "secret.generic", Path = "mx-a.zip!/x",
                    Justification = "Matrix justification", State = Gatehouse.Server.Apps.SuppressionStates.Requested, RequestedBy = ownerA.Id, RequestedAt = now,
                };
                var e = new Gatehouse.Server.Evidence.EvidenceItem
                {
                    Id = Guid.NewGuid(), OrganizationId = orgA.Id, Type = "iso27001", Issuer = "Matrix Issuer", Scope = "matrix scope",
                    ValidFrom = now.AddDays(-1), ValidUntil = now.AddDays(365), BlobDigest = "sha256:" + new string('e', 64),
                    FileName = "mx-evidence.pdf", Size = 1, Status = Gatehouse.Server.Evidence.EvidenceStatus.PendingReview, UploadedBy = ownerA.Id, UploadedAt = now,
                };
                var hook = new Gatehouse.Server.Notifications.WebhookEndpoint
                {
                    Id = Guid.NewGuid(), OrganizationId = orgA.Id, Url = "https://hooks.example.com/mx-a", Events = "*", CreatedBy = ownerA.Id,
                    ProtectedSecret = sp.GetRequiredService<Gatehouse.Server.Notifications.WebhookSigning>().NewSecret().Protected,
                };
                var credential = new Gatehouse.Server.Images.RegistryCredential
                {
                    Id = Guid.NewGuid(), OrganizationId = orgA.Id, Registry = "mx-registry-a.example", Username = "mx", ProtectedSecret = "protected", CreatedBy = ownerA.Id,
                };
                using var signer = Gatehouse.Analysis.Signing.EcdsaP256Signer.Generate();
                var vendorKey = new Gatehouse.Server.Signing.VendorKey
                {
                    Id = Guid.NewGuid(), OrganizationId = orgA.Id, KeyId = signer.KeyId, PublicKeyPem = signer.PublicKey.ToPem(), Name = "Matrix vendor key A",
                    CreatedAt = now, CreatedBy = ownerA.Id,
                };
                var installation = new Gatehouse.Server.OAuth.Installation
                {
                    Id = Guid.NewGuid(), TenantId = tenantT, ClientId = a.Slug, AppId = a.Id, Scopes = "projects.read", InstalledBy = tenantAdmin.Id, InstalledAt = now,
                };
                d.AddRange(scan, a, v, s, e, hook, credential, vendorKey, installation);
                await d.SaveChangesAsync();
                var agreement = await d.Agreements.OrderByDescending(x => x.Version).Select(x => (int?)x.Version).FirstOrDefaultAsync() ?? 1;
                return (a, v, scan, s, e, hook, credential, vendorKey, installation, agreement);
            });
            // The API key caller: a published web integration of organisation A, installed in tenant T (the platform takes no other).
            var appW = await app.WithScopeAsync(async sp =>
            {
                var d = sp.GetRequiredService<GatehouseDb>();
                var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
                var a = new Gatehouse.Server.Apps.App
                {
                    Id = Guid.NewGuid(), OrganizationId = orgA.Id, Slug = "mx-web-a-" + Guid.NewGuid().ToString("N")[..8], Name = "Matrix web integration A",
                    Type = "web-integration", Tier = "standard", CreatedBy = ownerA.Id, CreatedAt = now,
                };
                d.Add(a);
                d.Add(new Gatehouse.Server.Apps.AppVersion
                {
                    Id = Guid.NewGuid(), AppId = a.Id, OrganizationId = orgA.Id, Version = "1.0.0", State = Gatehouse.Server.Apps.VersionStates.Published,
                    CreatedBy = ownerA.Id, CreatedAt = now, UpdatedAt = now, PublishedAt = now,
                });
                d.Add(new Gatehouse.Server.OAuth.Installation
                {
                    Id = Guid.NewGuid(), TenantId = tenantT, ClientId = a.Slug, AppId = a.Id, Scopes = string.Join(' ', Gatehouse.Server.Platform.PlatformScopes.All),
                    InstalledBy = tenantAdmin.Id, InstalledAt = now,
                });
                await d.SaveChangesAsync();
                return a;
            });
            var keys = app.WithScopeAsync(sp => sp.GetRequiredService<Gatehouse.Server.ApiKeys.ApiKeyService>()
                .IssueAsync(appW.Id, orgA.Id, tenantT, "Matrix key", [Gatehouse.Server.Platform.PlatformScopes.ProjectsRead, Gatehouse.Server.Platform.PlatformScopes.ProjectsWrite,
                    Gatehouse.Server.Platform.PlatformScopes.IssuesRead, Gatehouse.Server.Platform.PlatformScopes.IssuesWrite], TimeSpan.FromDays(1), ownerA.Id, live: true, CancellationToken.None));
            var (apiKey, _) = await keys;
            var (_, paramKey) = await app.WithScopeAsync(sp => sp.GetRequiredService<Gatehouse.Server.ApiKeys.ApiKeyService>()
                .IssueAsync(appA.Id, orgA.Id, tenantT, "Matrix key to rotate", [Gatehouse.Server.Platform.PlatformScopes.ProjectsRead], TimeSpan.FromDays(1), ownerA.Id, live: true, CancellationToken.None));
            var (project, issue) = await app.WithScopeAsync(async sp =>
            {
                var d = sp.GetRequiredService<GatehouseDb>();
                var p = new Gatehouse.Server.Platform.Project { Id = Guid.NewGuid(), TenantId = tenantT, Key = "MXA", Name = "Matrix project" };
                var i = new Gatehouse.Server.Platform.Issue { Id = Guid.NewGuid(), TenantId = tenantT, ProjectId = p.Id, Title = "Matrix issue", Status = "open", CreatedAt = sp.GetRequiredService<TimeProvider>().GetUtcNow() };
                d.PlatformProjects.Add(p);
                d.PlatformIssues.Add(i);
                await d.SaveChangesAsync();
                return (p, i);
            });
            var invitationA = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Set<Gatehouse.Server.Invitations.Invitation>()
                .Where(i => i.TargetId == orgA.Id).Select(i => i.Id).FirstAsync());

            string Fill(string name) => name switch
            {
                "orgId" => orgA.Id.ToString(),
                "userId" => victimA.Id,
                "tokenId" => tokenRecordA.Id,
                "scanId" => scanA.Id.ToString(),
                "webhookId" => webhookA.Id.ToString(),
                "requirementId" => "GH-TLS-1",
                "appType" => "web-integration",
                "agreementVersion" => agreementVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "evidenceId" => evidenceA.Id.ToString(),
                "app" => appA.Slug,
                "version" => versionA.Version,
                "suppressionId" => suppressionA.Id.ToString(),
                "keyId" => paramKey.Id,
                "projectId" => project.Id.ToString(),
                "issueId" => issue.Id.ToString(),
                "policyVersion" => "1",
                "tenantId" => tenantT.ToString(),
                "installationId" => installationA.Id.ToString(),
                "versionId" => versionA.Id.ToString(),
                "digest" => versionA.ArtifactDigest!["sha256:".Length..],
                "documentName" => "v1",
                "path" => "",
                "invitationId" => invitationA.ToString(),
                "credentialId" => credentialA.Id.ToString(),
                "file" => $"{appA.Slug}-{versionA.Version}.tgz",
                "kind" => "ticket",
                "kid" => "some-platform-key",
                "key" => vendorKeyA.KeyId,
                "alertId" => Guid.NewGuid().ToString(),
                _ => throw new InvalidOperationException($"Route parameter '{name}' is new: teach this test which of organisation A's objects it names."),
            };

            var bearers = new Dictionary<Caller, HttpClient>
            {
                [Caller.Anonymous] = app.ClientWith(null), [Caller.ApiKey] = app.ClientWith(apiKey), [Caller.DeveloperB] = app.ClientWith(devBToken),
                [Caller.ForeignTenantAdmin] = app.ClientWith(foreignTenantAdminToken), [Caller.TenantAdmin] = app.ClientWith(tenantAdminToken),
                [Caller.Reviewer] = app.ClientWith(reviewerToken), [Caller.Admin] = app.ClientWith(adminToken), [Caller.MemberA] = app.ClientWith(memberToken),
                [Caller.OwnerA] = app.ClientWith(ownerToken),
            };
            async Task<HttpClient> SessionAsync(GatehouseUser? user, bool staff = false)
            {
                var c = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = true });
                if (user is null) return c;
                if (staff) await app.EnrollTotpAsync(user);
                using var r = await FormLogin.SignInAsync(app, c, user.Email!, password);
                if (r.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in of {user.Email}: {(int)r.StatusCode}");
                return c;
            }
            var sessions = new Dictionary<Caller, HttpClient>
            {
                [Caller.Anonymous] = await SessionAsync(null), [Caller.ApiKey] = bearers[Caller.ApiKey], [Caller.DeveloperB] = await SessionAsync(devB),
                [Caller.ForeignTenantAdmin] = await SessionAsync(foreignTenantAdmin), [Caller.TenantAdmin] = await SessionAsync(tenantAdmin),
                [Caller.Reviewer] = await SessionAsync(reviewer, staff: true), [Caller.Admin] = await SessionAsync(admin, staff: true), [Caller.MemberA] = await SessionAsync(memberA),
                [Caller.OwnerA] = await SessionAsync(ownerA),
            };
            return new World { Fill = Fill, Bearers = bearers, Sessions = sessions };
        }
    }
}
