using System.Text.RegularExpressions;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Images;

/// <summary>
/// A vendor organisation's registry credentials (issue 17): members add and delete them, members and staff list them
/// (never the secret), strangers get 404 as for the organisation. The secret is encrypted with data protection under
/// <see cref="Purpose"/> and decrypted only for a pull of an image of the same organisation from the same registry.
/// </summary>
public sealed partial class VendorRegistryCredentials(OrgAccess orgs, GatehouseDb db, AuditLog audit, TimeProvider time, IDataProtectionProvider protection)
{
    /// <summary>The data-protection purpose of registry secrets (a key of its own: a webhook secret cannot be read as one).</summary>
    public const string Purpose = "Gatehouse.RegistryCredentials.v1";
    internal const int MaxRegistryLength = 255;
    internal const int MaxUsernameLength = 255;
    internal const int MaxSecretLength = 4096;

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    [GeneratedRegex(@"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::[0-9]{1,5})?$")]
    private static partial Regex RegistryPattern();

    /// <summary>Why <paramref name="registry"/> is not a registry host (<c>host</c> or <c>host:port</c>, no scheme or path), or null.</summary>
    public static string? RegistryProblem(string? registry)
    {
        if (string.IsNullOrEmpty(registry) || registry.Length > MaxRegistryLength || !RegistryPattern().IsMatch(registry))
            return "registry must be a host name or address, optionally with :port, in lower case (no scheme, no path), e.g. registry.example.com";
        var colon = registry.LastIndexOf(':');
        if (colon > 0 && (!int.TryParse(registry.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)) return "the registry's port must be 1-65535";
        return null;
    }

    /// <summary>Adds a credential; members only. The secret is encrypted before it reaches the database.</summary>
    public async Task<Outcome<RegistryCredentialInfo>> CreateAsync(HttpContext http, Guid orgId, CreateRegistryCredentialRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        if (!await orgs.CanSeeAsync(http.User, orgId, ct)) return Refusal.NotFound("Organization");
        if (!await orgs.CanActAsync(http.User, orgId, ct)) return OrgAccess.NotAMember("add registry credentials");
        var registry = request.Registry?.Trim().ToLowerInvariant();
        if (RegistryProblem(registry) is { } badRegistry) return Invalid(badRegistry);
        var username = request.Username?.Trim();
        if (string.IsNullOrEmpty(username) || username.Length > MaxUsernameLength || username.Any(char.IsControl))
            return Invalid($"username is required (at most {MaxUsernameLength} characters, no control characters)");
        if (string.IsNullOrEmpty(request.Secret) || request.Secret.Length > MaxSecretLength || request.Secret.Any(char.IsControl))
            return Invalid($"secret is required (at most {MaxSecretLength} characters, no control characters)");
        var now = time.GetUtcNow();
        var row = new RegistryCredential
        {
            Id = Guid.CreateVersion7(now), OrganizationId = orgId, Registry = registry!, Username = username,
            ProtectedSecret = _protector.Protect(request.Secret), CreatedBy = http.User.Id(), CreatedAt = now,
        };
        db.RegistryCredentials.Add(row);
        audit.Record(db, AuditEvent.By(http, AuditActions.RegistryCredentialCreated, orgId.ToString(), row.Id.ToString(),
            new { registry = row.Registry, username = row.Username }));
        await db.SaveChangesAsync(ct);
        return RegistryCredentialInfo.From(row);
    }

    /// <summary>The organisation's credentials without their secrets; members and staff.</summary>
    public async Task<Outcome<List<RegistryCredentialInfo>>> ListAsync(HttpContext http, Guid orgId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!await orgs.CanSeeAsync(http.User, orgId, ct)) return Refusal.NotFound("Organization");
        var rows = await db.RegistryCredentials.AsNoTracking().Where(c => c.OrganizationId == orgId).OrderBy(c => c.Registry).ThenBy(c => c.CreatedAt).ToListAsync(ct);
        return rows.Select(RegistryCredentialInfo.From).ToList();
    }

    /// <summary>Deletes a credential; members only. Versions that named it pull anonymously from then on (and fail if the registry needs a login).</summary>
    public async Task<Refusal?> DeleteAsync(HttpContext http, Guid orgId, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!await orgs.CanSeeAsync(http.User, orgId, ct)) return Refusal.NotFound("Organization");
        var row = await db.RegistryCredentials.FirstOrDefaultAsync(c => c.Id == id && c.OrganizationId == orgId, ct);
        if (row is null) return Refusal.NotFound("Registry credential");
        if (!await orgs.CanActAsync(http.User, orgId, ct)) return OrgAccess.NotAMember("delete registry credentials");
        db.RegistryCredentials.Remove(row);
        audit.Record(db, AuditEvent.By(http, AuditActions.RegistryCredentialDeleted, orgId.ToString(), row.Id.ToString(),
            new { registry = row.Registry, username = row.Username }));
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Whether <paramref name="id"/> is a credential of <paramref name="orgId"/> for <paramref name="registry"/>.</summary>
    internal Task<bool> ExistsAsync(Guid orgId, Guid id, string registry, CancellationToken ct) =>
        db.RegistryCredentials.AnyAsync(c => c.Id == id && c.OrganizationId == orgId && c.Registry == registry, ct);

    /// <summary>
    /// The clear credential for a pull of an image of <paramref name="orgId"/> from <paramref name="registry"/>, or null when
    /// the credential is gone or belongs to another organisation or registry (the pull is then anonymous).
    /// </summary>
    internal async Task<Gatehouse.Analysis.Images.Registry.RegistryCredentials?> ForPullAsync(Guid orgId, Guid id, string registry, CancellationToken ct)
    {
        var row = await db.RegistryCredentials.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.OrganizationId == orgId, ct);
        if (row is null || !string.Equals(row.Registry, registry, StringComparison.OrdinalIgnoreCase)) return null;
        return new Gatehouse.Analysis.Images.Registry.RegistryCredentials(row.Username, _protector.Unprotect(row.ProtectedSecret));
    }

    private static Refusal Invalid(string detail) =>
        new(StatusCodes.Status400BadRequest, Errors.ProblemCodes.RegistryCredentialInvalid, "The registry credential is not valid", detail);
}
