using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Security;

/// <summary>
/// Script injection through what vendors write. Every free-text string field of the objects a vendor controls (found by
/// reflection over the entities, so a new field is covered; identifiers, states, digests and JSON are left out) holds
/// a payload (a script element, an attribute breaker, an SVG with onload, a <c>javascript:</c> URL), and every console
/// page (from the endpoint list, so a new page is covered) is fetched by the vendor, a reviewer, an admin and the admin
/// of a tenant that installed the app. The payload may appear only HTML-encoded, no link may use a <c>javascript:</c>
/// URL, and every page carries the CSP.
/// </summary>
public sealed partial class XssTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private const string Payload = "XSS<script>alert(1)</script>\"><img src=x onerror=alert(2)>'><svg onload=alert(3)>";
    private const string UrlPayload = "javascript:alert(4)//\"><script>alert(5)</script>";

    /// <summary>String properties that are not free text: ids, states, digests, stored JSON, names of kinds.</summary>
    private static bool IsFreeText(PropertyInfo p) =>
        p.PropertyType == typeof(string) && p.CanWrite
        && !(p.Name.EndsWith("Id", StringComparison.Ordinal) || p.Name.EndsWith("By", StringComparison.Ordinal) || p.Name.EndsWith("Digest", StringComparison.Ordinal)
            || p.Name.EndsWith("Json", StringComparison.Ordinal) || p.Name.EndsWith("Sha256", StringComparison.Ordinal) || p.Name.EndsWith("Pem", StringComparison.Ordinal)
            || p.Name.EndsWith("Secret", StringComparison.Ordinal))
        && p.Name is not ("State" or "Status" or "Type" or "Tier" or "Slug" or "Version" or "Kind" or "Events" or "Fingerprint" or "QuestionnaireResult"
            or "CatalogVersion" or "AgreementVersions" or "ArtifactContentType" or "Scopes" or "ContentType");

    /// <summary>Puts the payload into every free-text field of <paramref name="entity"/>; returns the fields' names.</summary>
    private static IEnumerable<string> Poison(object entity)
    {
        foreach (var p in entity.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(IsFreeText))
        {
            p.SetValue(entity, p.Name.Contains("Url", StringComparison.Ordinal) ? UrlPayload : Payload);
            yield return $"{entity.GetType().Name}.{p.Name}";
        }
    }

    [GeneratedRegex("""(href|src|action|formaction)\s*=\s*["']?\s*javascript:""", RegexOptions.IgnoreCase)]
    private static partial Regex JavascriptUrl();

    [Fact]
    public async Task Vendor_text_appears_only_encoded_on_every_console_page_for_everyone_who_sees_it()
    {
        var app = await servers.For(DbKind.Sqlite);
        const string password = "a-long-enough-password";
        var owner = await app.CreateUserAsync(Roles.Developer, "xss-owner");
        var reviewer = await app.CreateUserAsync(Roles.Reviewer, "xss-reviewer");
        var admin = await app.CreateUserAsync(Roles.Admin, "xss-admin");
        var tenantAdmin = await app.CreateUserAsync(Roles.Developer, "xss-tenant-admin");
        var org = await app.CreateOrganizationAsync(owner.Id, Payload + Guid.NewGuid().ToString("N")[..6]);
        var tenant = await Gatehouse.Server.Tests.OAuth.OAuthWorld.CreateTenantAsync(app, "XSS tenant", tenantAdmin.Id);
        var fields = new List<string> { "Organization.Name" };
        var (slug, version) = await app.WithScopeAsync(async sp =>
        {
            var d = sp.GetRequiredService<GatehouseDb>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var scan = new Gatehouse.Server.Scanning.Scan
            {
                Id = Guid.NewGuid(), OrganizationId = org.Id, SubmittedBy = owner.Id, BlobDigest = "sha256:" + new string('c', 64), FileName = "x.zip",
                ArtifactType = "downloadable", State = Gatehouse.Server.Scanning.ScanState.Done, Verdict = Gatehouse.Analysis.Verdicts.Verdict.Pass,
                CreatedAt = now, CompletedAt = now,
                ReportJson = System.Text.Json.JsonSerializer.Serialize(new { artifact = new { name = Payload, detectedType = "application/zip" } }),
            };
            var a = new Gatehouse.Server.Apps.App
            {
                Id = Guid.NewGuid(), OrganizationId = org.Id, Slug = "xss-" + Guid.NewGuid().ToString("N")[..8], Name = "x", Type = "downloadable", Tier = "standard",
                CreatedBy = owner.Id, CreatedAt = now,
            };
            var v = new Gatehouse.Server.Apps.AppVersion
            {
                Id = Guid.NewGuid(), AppId = a.Id, OrganizationId = org.Id, Version = "1.0.0", State = Gatehouse.Server.Apps.VersionStates.InReview,
                ArtifactDigest = scan.BlobDigest, ArtifactName = "x.zip", ArtifactSize = 1, CurrentScanId = scan.Id, QuestionnaireResult = "info",
                AttestedAt = now, AttestationName = "x", SubmittedAt = now, SlaDueAt = now.AddDays(5), CreatedBy = owner.Id, CreatedAt = now, UpdatedAt = now,
            };
            var s = new Gatehouse.Server.Apps.Suppression
            {
                Id = Guid.NewGuid(), AppId = a.Id, OrganizationId = org.Id, Fingerprint = new string('f', 64), RuleId = "secret.generic", Path = "x",
                Justification = "x", State = Gatehouse.Server.Apps.SuppressionStates.Requested, RequestedBy = owner.Id, RequestedAt = now,
            };
            var e = new Gatehouse.Server.Evidence.EvidenceItem
            {
                Id = Guid.NewGuid(), OrganizationId = org.Id, Type = "iso27001", Issuer = "x", Scope = "x", ValidFrom = now.AddDays(-1), ValidUntil = now.AddDays(365),
                BlobDigest = "sha256:" + new string('e', 64), FileName = "x.pdf", Size = 1, Status = Gatehouse.Server.Evidence.EvidenceStatus.PendingReview,
                UploadedBy = owner.Id, UploadedAt = now,
            };
            var hook = new Gatehouse.Server.Notifications.WebhookEndpoint
            {
                Id = Guid.NewGuid(), OrganizationId = org.Id, AppId = a.Id, Url = "x", Events = "*", CreatedBy = owner.Id,
                ProtectedSecret = sp.GetRequiredService<Gatehouse.Server.Notifications.WebhookSigning>().NewSecret().Protected,
            };
            var credential = new Gatehouse.Server.Images.RegistryCredential
            {
                Id = Guid.NewGuid(), OrganizationId = org.Id, Registry = "x", Username = "x", ProtectedSecret = "protected", CreatedBy = owner.Id,
            };
            using var signer = Gatehouse.Analysis.Signing.EcdsaP256Signer.Generate();
            var vendorKey = new Gatehouse.Server.Signing.VendorKey
            {
                Id = Guid.NewGuid(), OrganizationId = org.Id, KeyId = signer.KeyId, PublicKeyPem = signer.PublicKey.ToPem(), Name = "x", CreatedAt = now, CreatedBy = owner.Id,
            };
            var installation = new Gatehouse.Server.OAuth.Installation
            {
                Id = Guid.NewGuid(), TenantId = tenant, ClientId = a.Slug, AppId = a.Id, Scopes = "projects.read", InstalledBy = tenantAdmin.Id, InstalledAt = now,
            };
            foreach (var entity in new object[] { scan, a, v, s, e, hook, credential, vendorKey }) fields.AddRange(Poison(entity));
            d.AddRange(scan, a, v, s, e, hook, credential, vendorKey, installation);
            await d.SaveChangesAsync();
            return (a.Slug, v.Version);
        });
        Assert.Contains("App.Name", fields);
        Assert.Contains("Suppression.Justification", fields);

        var pages = app.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).Distinct().ToList();
        string Fill(string pattern) => Regex.Replace(pattern, @"\{(\w+)(:[^}]*)?\??\}", m => m.Groups[1].Value switch
        {
            "app" => slug,
            "version" => version,
            "orgId" => org.Id.ToString(),
            "tenantId" => tenant.ToString(),
            var name => throw new InvalidOperationException($"Page parameter '{name}' is new: teach this test which object to show."),
        });

        var failures = new List<string>();
        var shown = 0;
        foreach (var (who, user, staff) in new[] { ("vendor", owner, false), ("reviewer", reviewer, true), ("admin", admin, true), ("tenant admin", tenantAdmin, false) })
        {
            using var session = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = true });
            if (staff) await app.EnrollTotpAsync(user);
            (await FormLogin.SignInAsync(app, session, user.Email!, password)).Dispose();
            foreach (var page in pages)
            {
                using var r = await session.GetAsync(Fill(page));
                var html = await r.Content.ReadAsStringAsync();
                if ((int)r.StatusCode >= 500) failures.Add($"{page} as {who}: {(int)r.StatusCode}");
                if (r.StatusCode != HttpStatusCode.OK) continue;
                if (!r.Headers.Contains("Content-Security-Policy")) failures.Add($"{page} as {who}: no Content-Security-Policy");
                foreach (var raw in new[] { "<script>alert", "<img src=x", "<svg onload" })
                    if (html.Contains(raw, StringComparison.OrdinalIgnoreCase)) failures.Add($"{page} as {who}: raw {raw}");
                if (JavascriptUrl().IsMatch(html)) failures.Add($"{page} as {who}: a javascript: URL in a link");
                if (html.Contains("&lt;script&gt;alert", StringComparison.Ordinal)) shown++;
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(shown >= 8, $"the payload was shown (encoded) on only {shown} page views: the fields are not where the pages look");
    }
}
