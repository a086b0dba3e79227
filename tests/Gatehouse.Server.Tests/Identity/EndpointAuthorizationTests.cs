using System.Net;
using System.Text;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Identity;

/// <summary>
/// Walks EVERY endpoint the server registers, so that endpoints added later are covered without
/// anyone remembering to add a test: anonymous calls are refused unless the endpoint is on the
/// public list below, and a developer of organisation B never sees or changes organisation A.
/// </summary>
public sealed class EndpointAuthorizationTests(SharedServers servers) : IClassFixture<SharedServers>
{
    /// <summary>The only endpoints anyone may call without signing in. Adding one is a reviewed decision.</summary>
    private static readonly HashSet<string> Public =
    [
        "GET /healthz",
        "GET /readyz",
        "GET /openapi/{documentName}.json",
        "GET /account/login",
        "POST /account/login",
        // The second sign-in step: the caller holds only Identity's two-factor cookie (tests: Identity/TwoFactorTests).
        "GET /account/2fa",
        "POST /account/2fa",
        "GET /guidelines",
        "GET /api/guidelines",
        "GET /api/guidelines/{requirementId}",
        "GET /api/guidelines/{requirementId}/versions",
        "GET /api/questionnaires/{appType}",
        "GET /connect/authorize",
        "POST /connect/authorize",
        "POST /connect/token",
        // Signed download URLs: the signature is the credential (tests: Downloads/DownloadTests).
        "GET /dl/{versionId:guid}/{digest}",
        "HEAD /dl/{versionId:guid}/{digest}",
        // Every other method on a download URL: 405 with Allow: GET, HEAD, never a sign-in redirect (Downloads/DownloadHardeningTests).
        "* /dl/{versionId:guid}/{digest}",
        // A download's Sigstore bundle and approval ticket under the download URL's own grant (tests: Signing/ArtifactSigningTests).
        "GET /dl/{versionId:guid}/{digest}/{file}",
        // The registry's token endpoint: HTTP Basic credentials checked by the handler (tests: Registry/RegistryDistributionTests).
        "GET /registry/token",
        // The Helm chart repository: HTTP Basic credentials (tenant id + token) checked by the handler (tests: Charts/HelmRepositoryTests).
        "GET /charts/index.yaml",
        "GET /charts/v/{versionId:guid}/{file}",
        // The platform's public signing keys: public by nature, customers verify offline with them (tests: Signing/PlatformKeysTests).
        "GET /.well-known/gatehouse/keys",
        "GET /.well-known/gatehouse/keys.pem",
        "GET /.well-known/gatehouse/keys/{kid}.pem",
        "GET /.well-known/gatehouse/pubring.gpg",
    ];

    private sealed record Call(string Method, string Pattern, string Path);

    private static List<Call> AllCalls(GatehouseApp app, Func<string, string> fill)
    {
        var calls = new List<Call>();
        foreach (var ep in app.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var pattern = "/" + ep.RoutePattern.RawText!.TrimStart('/');
            var methods = ep.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST", "PUT", "DELETE"];
            var path = pattern;
            foreach (var p in ep.RoutePattern.Parameters)
                path = System.Text.RegularExpressions.Regex.Replace(path, @"\{\**" + p.Name + @"(:[^}]*)?\}", fill(p.Name));
            foreach (var m in methods) calls.Add(new Call(m, pattern, path));
        }
        return calls.DistinctBy(c => c.Method + " " + c.Path).ToList();
    }

    private static HttpRequestMessage Request(Call c, string body = "{}") =>
        new(new HttpMethod(c.Method), c.Path)
        {
            Content = c.Method is "GET" or "HEAD" or "DELETE" ? null : new StringContent(body, Encoding.UTF8, "application/json"),
        };

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Every_endpoint_refuses_anonymous_callers_unless_it_is_on_the_public_list(DbKind db)
    {
        var app = await servers.For(db);
        var calls = AllCalls(app, name => name switch
        {
            "documentName" => "v1",
            "path" => "",
            _ => Guid.NewGuid().ToString(),
        });
        Assert.Contains(calls, c => c.Pattern == "/api/orgs/{orgId:guid}/members"); // the walk sees feature endpoints
        using var client = app.ClientWith(null);
        var failures = new List<string>();
        foreach (var c in calls)
        {
            var key = $"{c.Method} {c.Pattern}";
            if (Public.Contains(key) || Public.Contains($"* {c.Pattern}")) continue;
            using var response = await client.SendAsync(Request(c));
            var refused = response.StatusCode == HttpStatusCode.Unauthorized
                || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.Contains("/account/login", StringComparison.Ordinal) == true && !c.Path.StartsWith("/api", StringComparison.Ordinal));
            if (!refused) failures.Add($"{key} answered {(int)response.StatusCode} to an anonymous caller");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Public_endpoints_are_exactly_those_marked_allow_anonymous(DbKind db)
    {
        var app = await servers.For(db);
        var anonymous = app.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')}"))
            .ToHashSet();
        Assert.Equal(Public.Order(), anonymous.Order());
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_developer_of_another_organisation_can_neither_see_nor_change_it_through_any_endpoint(DbKind db)
    {
        var app = await servers.For(db);
        var (ownerA, tokenA) = await app.UserWithTokenAsync(Roles.Developer, "owner-a");
        var memberA = await app.CreateUserAsync(Roles.Developer, "member-a");
        var orgA = await app.CreateOrganizationAsync(ownerA.Id, "Secret Org A " + Guid.NewGuid().ToString("N")[..8]);
        await app.JoinOrganizationAsync(orgA.Id, memberA);
        var (_, tokenRecordA) = await app.IssueTokenAsync(ownerA.Id, Scopes.Read);
        var (devB, tokenB) = await app.UserWithTokenAsync(Roles.Developer, "dev-b");
        var orgB = await app.CreateOrganizationAsync(devB.Id);
        var scanA = await app.WithScopeAsync(async sp =>
        {
            var d = sp.GetRequiredService<GatehouseDb>();
            var scan = new Gatehouse.Server.Scanning.Scan
            {
                Id = Guid.NewGuid(), OrganizationId = orgA.Id, SubmittedBy = ownerA.Id, BlobDigest = "sha256:" + new string('a', 64),
                FileName = "secret-a.zip", ArtifactType = "downloadable", State = Gatehouse.Server.Scanning.ScanState.Done, Verdict = Gatehouse.Analysis.Verdicts.Verdict.Pass,
                ReportJson = "{}",
            };
            d.Scans.Add(scan);
            await d.SaveChangesAsync();
            return scan;
        });
        const string agreementText = "Organisation A's agreement text";
        var (agreement, evidenceA) = await app.WithScopeAsync(async sp =>
        {
            var d = sp.GetRequiredService<GatehouseDb>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var agreement = new Gatehouse.Server.Agreements.DeveloperAgreement
            {
                Version = 1, Title = "Developer agreement", Text = agreementText,
                Sha256 = Gatehouse.Server.Agreements.DeveloperAgreements.HashOf(agreementText), PublishedAt = now, PublishedBy = ownerA.Id,
            };
            d.Agreements.Add(agreement);
            var evidence = new Gatehouse.Server.Evidence.EvidenceItem
            {
                Id = Guid.NewGuid(), OrganizationId = orgA.Id, Type = "iso27001", Issuer = "Secret Issuer A", Scope = "secret scope A",
                ValidFrom = now.AddDays(-1), ValidUntil = now.AddDays(365), BlobDigest = "sha256:" + new string('e', 64),
                FileName = "secret-a-evidence.pdf", Size = 1, Status = Gatehouse.Server.Evidence.EvidenceStatus.PendingReview,
                UploadedBy = ownerA.Id, UploadedAt = now,
            };
            d.EvidenceItems.Add(evidence);
            await d.SaveChangesAsync();
            return (agreement, evidence);
        });
        var webhookA = await app.WithScopeAsync(async sp =>
        {
            var d = sp.GetRequiredService<GatehouseDb>();
            var hook = new Gatehouse.Server.Notifications.WebhookEndpoint
            {
                Id = Guid.NewGuid(), OrganizationId = orgA.Id, Url = "https://hooks.example.com/secret-webhook-a", Events = "*", CreatedBy = ownerA.Id,
                ProtectedSecret = sp.GetRequiredService<Gatehouse.Server.Notifications.WebhookSigning>().NewSecret().Protected,
            };
            d.WebhookEndpoints.Add(hook);
            await d.SaveChangesAsync();
            return hook;
        });
        var registryCredentialA = await app.WithScopeAsync(async sp =>
        {
            var d = sp.GetRequiredService<GatehouseDb>();
            var credential = new Gatehouse.Server.Images.RegistryCredential
            {
                Id = Guid.NewGuid(), OrganizationId = orgA.Id, Registry = "secret-registry-a.example", Username = "secret-registry-user-a",
                ProtectedSecret = "protected", CreatedBy = ownerA.Id,
            };
            d.RegistryCredentials.Add(credential);
            await d.SaveChangesAsync();
            return credential;
        });
        var (appA, versionA, suppressionA) = await app.WithScopeAsync(async sp =>
        {
            var d = sp.GetRequiredService<GatehouseDb>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var a = new Gatehouse.Server.Apps.App
            {
                Id = Guid.NewGuid(), OrganizationId = orgA.Id, Slug = "secret-app-a-" + Guid.NewGuid().ToString("N")[..8], Name = "Secret App A",
                Type = "downloadable", Tier = "standard", CreatedBy = ownerA.Id, CreatedAt = now,
            };
            var v = new Gatehouse.Server.Apps.AppVersion
            {
                Id = Guid.NewGuid(), AppId = a.Id, OrganizationId = orgA.Id, Version = "9.9.9-secret", State = Gatehouse.Server.Apps.VersionStates.InReview,
                ArtifactDigest = scanA.BlobDigest, ArtifactName = "secret-a.zip", ArtifactSize = 1, CurrentScanId = scanA.Id, QuestionnaireResult = "info",
                AttestedAt = now, AttestationName = "Secret Attester A", SubmittedAt = now, SlaDueAt = now.AddDays(5), CreatedBy = ownerA.Id, CreatedAt = now, UpdatedAt = now,
            };
            var s = new Gatehouse.Server.Apps.Suppression
            {
                Id = Guid.NewGuid(), AppId = a.Id, OrganizationId = orgA.Id, Fingerprint = new string('f', 64), RuleId = "secret.generic", Path = "secret-a.zip!/x",
                Justification = "Secret justification of organisation A", State = Gatehouse.Server.Apps.SuppressionStates.Requested, RequestedBy = ownerA.Id, RequestedAt = now,
            };
            d.Apps.Add(a);
            d.AppVersions.Add(v);
            d.Suppressions.Add(s);
            await d.SaveChangesAsync();
            return (a, v, s);
        });
        var (apiKeyA, apiKeyRecordA) = await app.WithScopeAsync(sp => sp.GetRequiredService<Gatehouse.Server.ApiKeys.ApiKeyService>()
            .IssueAsync(appA.Id, orgA.Id, Guid.NewGuid(), "Secret key A", [Gatehouse.Server.Platform.PlatformScopes.ProjectsRead], TimeSpan.FromDays(1),
                ownerA.Id, live: true, CancellationToken.None));
        var (projectA, issueA) = await app.WithScopeAsync(async sp =>
        {
            var d = sp.GetRequiredService<GatehouseDb>();
            var p = new Gatehouse.Server.Platform.Project { Id = Guid.NewGuid(), TenantId = apiKeyRecordA.TenantId!.Value, Key = "SECRETA", Name = "Secret project A" };
            var i = new Gatehouse.Server.Platform.Issue
            {
                Id = Guid.NewGuid(), TenantId = p.TenantId, ProjectId = p.Id, Title = "Secret issue A", Status = "open",
                CreatedAt = sp.GetRequiredService<TimeProvider>().GetUtcNow(),
            };
            d.PlatformProjects.Add(p);
            d.PlatformIssues.Add(i);
            await d.SaveChangesAsync();
            return (p, i);
        });
        // Organisation A's app is installed in a tenant whose admin is A's member.
        var installationA = await app.WithScopeAsync(async sp =>
        {
            var d = sp.GetRequiredService<GatehouseDb>();
            var t = new Gatehouse.Server.OAuth.Tenant { Id = apiKeyRecordA.TenantId!.Value, Name = "Secret tenant A" };
            var inst = new Gatehouse.Server.OAuth.Installation
            {
                Id = Guid.NewGuid(), TenantId = t.Id, ClientId = appA.Slug, AppId = appA.Id, Scopes = "projects.read", InstalledBy = memberA.Id,
                InstalledAt = sp.GetRequiredService<TimeProvider>().GetUtcNow(),
            };
            d.Add(t);
            d.Add(new Gatehouse.Server.Identity.TenantAdmin { TenantId = t.Id, UserId = memberA.Id });
            d.Add(inst);
            await d.SaveChangesAsync();
            return inst;
        });
        var invitationA = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Set<Gatehouse.Server.Invitations.Invitation>()
            .Where(i => i.TargetId == orgA.Id).Select(i => i.Id).FirstAsync());
        // Organisation A's registered signing key (vendor signatures).
        var vendorKeyA = await app.WithScopeAsync(async sp =>
        {
            using var signer = Gatehouse.Analysis.Signing.EcdsaP256Signer.Generate();
            var k = new Gatehouse.Server.Signing.VendorKey
            {
                Id = Guid.NewGuid(), OrganizationId = orgA.Id, KeyId = signer.KeyId, PublicKeyPem = signer.PublicKey.ToPem(), Name = "Secret vendor key A",
                CreatedAt = sp.GetRequiredService<TimeProvider>().GetUtcNow(), CreatedBy = ownerA.Id,
            };
            var d = sp.GetRequiredService<GatehouseDb>();
            d.Add(k);
            await d.SaveChangesAsync();
            return k;
        });
        var auditBefore = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.CountAsync(e => e.OrganizationId == orgA.Id.ToString()));

        var markers = new[] { orgA.Id.ToString(), orgA.Name, ownerA.Email!, memberA.Email!, memberA.Id, ownerA.Id, tokenRecordA.Id, scanA.Id.ToString(), "secret-a.zip",
            evidenceA.Id.ToString(), evidenceA.FileName, evidenceA.Issuer, evidenceA.Scope };
        markers = [.. markers, apiKeyRecordA.Id, apiKeyA, "Secret key A", projectA.Name, issueA.Title];
        markers = [.. markers, registryCredentialA.Registry, registryCredentialA.Username, registryCredentialA.Id.ToString()];
        markers = [.. markers, "Secret vendor key A"];
        markers = [.. markers, "Secret tenant A", installationA.Id.ToString(), webhookA.Url, appA.Slug, appA.Id.ToString(), versionA.Id.ToString(), "Secret Attester A", suppressionA.Justification];
        var calls = AllCalls(app, name => name switch
        {
            "orgId" => orgA.Id.ToString(),
            "userId" => memberA.Id,
            "tokenId" => tokenRecordA.Id,
            "scanId" => scanA.Id.ToString(),
            "webhookId" => webhookA.Id.ToString(),
            "requirementId" => "GH-TLS-1",
            "appType" => "web-integration",
            "agreementVersion" => agreement.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "evidenceId" => evidenceA.Id.ToString(),
            "app" => appA.Slug,
            "version" => versionA.Version,
            "suppressionId" => suppressionA.Id.ToString(),
            "keyId" => apiKeyRecordA.Id,
            "projectId" => projectA.Id.ToString(),
            "issueId" => issueA.Id.ToString(),
            "policyVersion" => "1",
            "tenantId" => installationA.TenantId.ToString(),
            "installationId" => installationA.Id.ToString(),
            "versionId" => versionA.Id.ToString(),
            "digest" => versionA.ArtifactDigest!["sha256:".Length..],
            "documentName" => "v1",
            "path" => "",
            "invitationId" => invitationA.ToString(),
            "credentialId" => registryCredentialA.Id.ToString(),
            "file" => $"{appA.Slug}-{versionA.Version}.tgz",
            // A version's signatures (bundle, ticket, prov, cosign): organisation A's version decides, whatever the kind.
            "kind" => "ticket",
            // Platform keys belong to no organisation: the admin routes refuse a developer whatever the key.
            "kid" => "some-platform-key",
            "key" => vendorKeyA.KeyId,
            // A usage alert: the app in the path decides (organisation A's app is not B's to see or handle).
            "alertId" => Guid.NewGuid().ToString(),
            _ => throw new InvalidOperationException(
                $"Route parameter '{name}' is new: teach this test which of organisation A's ids to aim it at."),
        });

        using var client = app.ClientWith(tokenB);
        var failures = new List<string>();
        foreach (var c in calls)
        {
            // Bodies that would succeed if access were granted: the refusal must come from authorization.
            var body = c.Pattern switch
            {
                "/api/orgs/{orgId:guid}/invitations" => $$"""{"email":"{{devB.Email}}","role":"owner"}""",
                "/api/users/{userId}/roles" => """{"roles":["admin"]}""",
                "/api/tokens" => """{"name":"x","scopes":["admin"]}""",
                "/api/orgs" => $$"""{"name":"B-made {{Guid.NewGuid():N}}","ownerEmail":"{{ownerA.Email}}"}""",
                "/api/users" => """{"email":"evil@example.test","role":"admin"}""",
                "/api/agreements" => """{"title":"B's terms","text":"B decides what A accepts."}""",
                "/api/orgs/{orgId:guid}/agreement/accept" => $$"""{"version":1,"sha256":"{{agreement.Sha256}}"}""",
                "/api/evidence/{evidenceId:guid}/verify" or "/api/evidence/{evidenceId:guid}/reject" => """{"note":"fine by B"}""",
                "/api/apps/{app}/versions/{version}/actions" => """{"action":"reject","reasonCodes":["review.other"],"text":"B says no"}""",
                "/api/apps/{app}/versions" => """{"version":"6.6.6"}""",
                "/api/apps/{app}/suppressions" => $$"""{"fingerprint":"{{new string('f', 64)}}","justification":"B wants this finding of A gone for good."}""",
                "/api/suppressions/{suppressionId:guid}/approve" => """{"expiresAt":"2030-01-01T00:00:00Z","note":"B approves"}""",
                "/api/suppressions/{suppressionId:guid}/reject" or "/api/suppressions/{suppressionId:guid}/revoke" => """{"note":"B decides"}""",
                "/api/apps/{app}/versions/{version}/attestation" => """{"name":"B","accept":true}""",
                "/api/orgs/{orgId:guid}/registry-credentials" => """{"registry":"b.example","username":"b","secret":"b"}""",
                "/api/apps/{app}/versions/{version}/image" => """{"reference":"b.example/b/app:1"}""",
                "/api/apps/{app}/versions/{version}/smoke-test" => """{"httpPort":80}""",
                "/api/apps/{app}/api-keys" => """{"name":"B's key","scopes":["projects.read","issues.write"]}""",
                "/api/api-keys/{keyId}/rotate" => """{"overlapHours":168}""",
                "/platform/v1/projects/{projectId:guid}/issues" => """{"title":"B was here"}""",
                "/platform/v1/issues/{issueId:guid}" => """{"title":"B was here","status":"closed"}""",
                _ => "{}",
            };
            var request = Request(c, body);
            if (c.Method == "POST" && c.Pattern.TrimEnd('/').EndsWith("/scans", StringComparison.Ordinal))
                request.RequestUri = new Uri(c.Path + "?name=probe.bin", UriKind.Relative);
            if (c.Method == "POST" && c.Pattern.TrimEnd('/').EndsWith("/evidence", StringComparison.Ordinal))
                request.RequestUri = new Uri(c.Path + "?type=iso27001&issuer=B&scope=B&validFrom=2026-01-01&validUntil=2030-01-01&name=probe.pdf", UriKind.Relative);
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var leaked = markers.Where(m => text.Contains(m, StringComparison.Ordinal)).ToList();
            if (leaked.Count > 0) failures.Add($"{c.Method} {c.Pattern} showed organisation A's data: {string.Join(", ", leaked)}");
            if ((c.Path.Contains(orgA.Id.ToString(), StringComparison.Ordinal) || c.Path.Contains(appA.Slug, StringComparison.Ordinal)
                    || c.Path.Contains(suppressionA.Id.ToString(), StringComparison.Ordinal) || c.Path.Contains(apiKeyRecordA.Id, StringComparison.Ordinal)
                    || c.Path.Contains(projectA.Id.ToString(), StringComparison.Ordinal) || c.Path.Contains(installationA.TenantId.ToString(), StringComparison.Ordinal) || c.Path.Contains(issueA.Id.ToString(), StringComparison.Ordinal)
                    || c.Path.Contains(invitationA.ToString(), StringComparison.Ordinal))
                    && (int)response.StatusCode is < 400 or >= 500)
                failures.Add($"{c.Method} {c.Pattern} on organisation A answered {(int)response.StatusCode}");
            if (c.Pattern.StartsWith("/api/users", StringComparison.Ordinal) || c.Pattern.StartsWith("/api/audit", StringComparison.Ordinal) || c.Pattern.StartsWith("/hangfire", StringComparison.Ordinal))
                if (response.StatusCode != HttpStatusCode.Forbidden)
                    failures.Add($"{c.Method} {c.Pattern} is for admins but answered {(int)response.StatusCode} to a developer");
        }

        // Nothing about organisation A changed.
        var (members, owner, auditAfter, tokenAlive) = await app.WithScopeAsync(async sp =>
        {
            var d = sp.GetRequiredService<GatehouseDb>();
            var m = await d.OrganizationMembers.Where(x => x.OrganizationId == orgA.Id).Select(x => x.UserId).OrderBy(x => x).ToListAsync();
            var o = await d.Organizations.Where(x => x.Id == orgA.Id).Select(x => x.OwnerUserId).SingleAsync();
            var a = await d.AuditEntries.CountAsync(e => e.OrganizationId == orgA.Id.ToString());
            var t = await d.PersonalAccessTokens.Where(x => x.Id == tokenRecordA.Id).Select(x => x.RevokedAt == null).SingleAsync();
            return (m, o, a, t);
        });
        Assert.Equal(new[] { ownerA.Id, memberA.Id }.Order(StringComparer.Ordinal), members.Order(StringComparer.Ordinal));
        Assert.Equal(ownerA.Id, owner);
        Assert.Equal(auditBefore, auditAfter);
        Assert.True(tokenAlive, "developer B revoked organisation A's token");
        var keyA = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().ApiKeys.AsNoTracking().SingleAsync(k => k.Id == apiKeyRecordA.Id));
        Assert.True(keyA.RevokedAt is null && keyA.ReplacedBy is null && (keyA.ExpiresAt - apiKeyRecordA.ExpiresAt).Duration() < TimeSpan.FromMilliseconds(1), "developer B revoked or rotated organisation A's API key");
        Assert.Equal(1, await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().ApiKeys.CountAsync(k => k.AppId == appA.Id)));
        Assert.Equal("Secret issue A", await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().PlatformIssues
            .Where(x => x.Id == issueA.Id).Select(x => x.Title).SingleAsync()));
        Assert.Equal(1, await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().PlatformIssues.CountAsync(x => x.ProjectId == projectA.Id)));
        Assert.Equal(1, await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Scans.CountAsync(x => x.OrganizationId == orgA.Id)));
        Assert.Equal(1, await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Agreements.CountAsync()));
        Assert.False(await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AgreementAcceptances.AnyAsync(x => x.OrganizationId == orgA.Id)));
        Assert.Equal(Gatehouse.Server.Evidence.EvidenceStatus.PendingReview, await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().EvidenceItems
            .Where(x => x.Id == evidenceA.Id).Select(x => x.Status).SingleAsync()));
        Assert.Equal(1, await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().EvidenceItems.CountAsync(x => x.OrganizationId == orgA.Id)));
        Assert.True(await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().WebhookEndpoints
            .AnyAsync(w => w.Id == webhookA.Id && w.ProtectedSecret == webhookA.ProtectedSecret)), "developer B deleted or rotated organisation A's webhook");
        var (stateA, suppressionState, versionsA) = await app.WithScopeAsync(async sp =>
        {
            var d = sp.GetRequiredService<GatehouseDb>();
            return (await d.AppVersions.Where(x => x.Id == versionA.Id).Select(x => x.State).SingleAsync(),
                await d.Suppressions.Where(x => x.Id == suppressionA.Id).Select(x => x.State).SingleAsync(),
                await d.AppVersions.CountAsync(x => x.AppId == appA.Id));
        });
        Assert.Equal(Gatehouse.Server.Apps.VersionStates.InReview, stateA);
        Assert.Equal(Gatehouse.Server.Apps.SuppressionStates.Requested, suppressionState);
        Assert.Equal(1, versionsA);
        Assert.Null(await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Set<Gatehouse.Server.OAuth.Installation>()
            .Where(x => x.Id == installationA.Id).Select(x => x.UninstalledAt).SingleAsync()));
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // And the same calls work for A's owner, so the refusals above were about B.
        using var ownerClient = app.ClientWith(tokenA);
        var ok = await ownerClient.GetAsync($"/api/orgs/{orgA.Id}/members");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains(memberA.Email!, await ok.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        _ = orgB;
    }
}
