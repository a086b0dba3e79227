using System.Security.Claims;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.OAuth;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Signing;

/// <summary>A version's signatures and the artifact name they are named after.</summary>
internal sealed record VersionSignatureSet(Guid VersionId, string AppSlug, string Version, string Artifact, IReadOnlyList<ArtifactSignature> Rows)
{
    /// <summary>The API URL of one signature (what the console links).</summary>
    public string Url(string kind) => SignaturesApi.Url(AppSlug, Version, kind);

    /// <summary>The file name a signature is downloaded as.</summary>
    public string FileName(string kind) => SignatureLinks.FileName(Artifact, kind);

    /// <summary>The row of one kind, or null.</summary>
    public ArtifactSignature? Of(string kind) => Rows.FirstOrDefault(r => r.Kind == kind);
}

/// <summary>
/// Who may read a version's signatures through the API (<c>/api/apps/{app}/versions/{version}/signatures</c>): the same
/// people as its SBOM and its download (docs/signing.md): the vendor organisation's members and staff, for any version; a
/// customer, for a published version of an app that a tenant they administer has installed. Everyone else, and every
/// version the caller may not see, gets 404, so the answer never tells which apps or versions exist.
/// </summary>
internal sealed class VersionSignatures(Downloads.VersionReaders readers, GatehouseDb db)
{
    public async Task<Outcome<VersionSignatureSet>> FindAsync(ClaimsPrincipal user, string app, string version, CancellationToken ct)
    {
        var found = await readers.FindAsync(user, app, version, ct);
        if (found.Refusal is { } refused) return refused;
        var (a, v) = found.Value;
        return await ForAsync(a, v, ct);
    }

    /// <summary>The signatures of a version the caller was already allowed to see (console pages).</summary>
    public async Task<VersionSignatureSet> ForAsync(App app, AppVersion v, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(v);
        var rows = await db.Set<ArtifactSignature>().AsNoTracking().Where(s => s.VersionId == v.Id).ToListAsync(ct);
        return new VersionSignatureSet(v.Id, app.Slug, v.Version, SignatureLinks.ArtifactName(app, v), rows.OrderBy(r => r.Kind, StringComparer.Ordinal).ToList());
    }

    /// <summary>The signatures of several versions (the customer page), by version id.</summary>
    public async Task<Dictionary<Guid, VersionSignatureSet>> ForManyAsync(IReadOnlyCollection<(App App, AppVersion Version)> versions, CancellationToken ct)
    {
        var ids = versions.Select(x => x.Version.Id).ToList();
        var rows = await db.Set<ArtifactSignature>().AsNoTracking().Where(s => ids.Contains(s.VersionId)).ToListAsync(ct);
        return versions.ToDictionary(x => x.Version.Id, x => new VersionSignatureSet(x.Version.Id, x.App.Slug, x.Version.Version,
            SignatureLinks.ArtifactName(x.App, x.Version), rows.Where(r => r.VersionId == x.Version.Id).OrderBy(r => r.Kind, StringComparer.Ordinal).ToList()));
    }
}
