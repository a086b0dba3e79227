using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gatehouse.Analysis.Questionnaires;
using Gatehouse.Analysis.Requirements;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Scanning;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Apps;

/// <summary>
/// What a vendor prepares on a draft (or a version whose changes were requested) before submitting it: the artifact,
/// the questionnaire's answers and the attestation. Members of the vendor organisation only; any change clears an
/// earlier attestation, which covered what was there before. The API and the console both call it.
/// </summary>
public sealed class VersionDrafts(AppAccess apps, GatehouseDb db, AuditLog audit, TimeProvider time)
{
    private static readonly JsonSerializerOptions ScoreJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>
    /// Records the artifact read by <paramref name="receive"/> (the request body for the API, a form's file in the console)
    /// as the version's; nothing is read before the caller, the version's state and the name are checked.
    /// </summary>
    public async Task<Outcome<VersionInfo>> UploadArtifactAsync(HttpContext http, string app, string version, string name,
        Func<Guid, Task<BlobUpload>> receive, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(receive);
        var (row, v) = await apps.FindVersionAsync(http.User, app, version, ct);
        if (row is null || v is null) return Refusal.NotFound("Version");
        if (!await apps.IsMemberAsync(http.User, row.OrganizationId, ct)) return Refusal.Forbidden("only members of the vendor organisation upload artifacts");
        if (!Editable(v)) return VersionRefusals.InvalidTransition(v, "upload an artifact");
        if (UploadNames.Problem(name) is { } badName) return Refusal.Invalid(badName);
        var fileName = UploadNames.Sanitize(name, $"{row.Slug}-{v.Version}");
        var upload = await receive(row.OrganizationId);
        if (upload.Problem is not null) return Refusal.From(upload.Problem);
        var blob = upload.Blob!;
        v.ArtifactDigest = blob.Digest;
        v.ArtifactSize = blob.Length;
        v.ArtifactName = fileName;
        // An uploaded image replaces an image by reference (issue 17): the version is the uploaded bytes.
        if (row.Type == AppTypes.Container)
        {
            v.Reference = null;
            v.RegistryCredentialId = null;
        }
        v.ImageManifestDigest = null;
        ClearAttestation(v); // the attestation covered the previous artifact
        v.UpdatedAt = time.GetUtcNow();
        audit.Record(db, AuditEvent.By(http, AuditActions.VersionArtifactUploaded, row.OrganizationId.ToString(), v.Id.ToString(),
            new { app = row.Slug, v.Version, digest = blob.Digest, size = blob.Length, name = fileName, originalName = fileName == name ? null : name }));
        await db.SaveChangesAsync(ct);
        return VersionInfo.From(row, v);
    }

    /// <summary>
    /// Answers (<c>{questionId: answer}</c>, read by <paramref name="read"/>: the request body, or the console's form) are
    /// scored at once against the app type's current questionnaire.
    /// </summary>
    public async Task<Outcome<QuestionnaireResult>> AnswerAsync(HttpContext http, string app, string version,
        Func<Task<IReadOnlyDictionary<string, string>>> read, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(read);
        var (row, v) = await apps.FindVersionAsync(http.User, app, version, ct);
        if (row is null || v is null) return Refusal.NotFound("Version");
        if (!await apps.IsMemberAsync(http.User, row.OrganizationId, ct)) return Refusal.Forbidden("only members of the vendor organisation answer the questionnaire");
        if (!Editable(v)) return VersionRefusals.InvalidTransition(v, "change answers");
        IReadOnlyDictionary<string, string> answers;
        try
        {
            answers = await read();
        }
        catch (AnswersFormatException ex)
        {
            return Refusal.Invalid($"answers: {ex.Message}");
        }
        var questionnaire = QuestionnaireSet.LoadEmbedded().Get(row.Type);
        var result = QuestionnaireScorer.Score(questionnaire, answers);
        v.QuestionnaireVersion = result.QuestionnaireVersion;
        v.AnswersJson = JsonSerializer.Serialize(answers);
        v.QuestionnaireResult = QuestionNames.Of(result.Score);
        v.QuestionnaireScoreJson = JsonSerializer.Serialize(result, ScoreJson);
        ClearAttestation(v);
        v.UpdatedAt = time.GetUtcNow();
        audit.Record(db, AuditEvent.By(http, AuditActions.VersionAnswered, row.OrganizationId.ToString(), v.Id.ToString(),
            new { app = row.Slug, v.Version, questionnaire = result.QuestionnaireVersion, result = v.QuestionnaireResult }));
        await db.SaveChangesAsync(ct);
        return result;
    }

    /// <summary>A named person attests, for the organisation, that the version meets the requirements (the statement's hash is kept).</summary>
    public async Task<Outcome<AttestationInfo>> AttestAsync(HttpContext http, string app, string version, AttestRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var (row, v) = await apps.FindVersionAsync(http.User, app, version, ct);
        if (row is null || v is null) return Refusal.NotFound("Version");
        if (!await apps.IsMemberAsync(http.User, row.OrganizationId, ct)) return Refusal.Forbidden("only members of the vendor organisation attest");
        if (!Editable(v)) return VersionRefusals.InvalidTransition(v, "attest");
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200 || name.Any(char.IsControl))
            return Refusal.Invalid("name is required: the full name and role of the person who attests (at most 200 characters)");
        if (request.Accept != true) return Refusal.Invalid("accept must be true: the statement is attested only when accepted");
        var org = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == row.OrganizationId, ct);
        var catalog = RequirementCatalog.LoadEmbedded();
        var statement = Statement(name, org.Name, row, v, catalog.Version);
        v.AttestationName = name;
        v.AttestedBy = http.User.Id();
        v.AttestedAt = time.GetUtcNow();
        v.AttestationSha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(statement)));
        v.CatalogVersion = catalog.Version;
        v.UpdatedAt = v.AttestedAt.Value;
        audit.Record(db, AuditEvent.By(http, AuditActions.VersionAttested, row.OrganizationId.ToString(), v.Id.ToString(),
            new { app = row.Slug, v.Version, name, sha256 = v.AttestationSha256 }));
        await db.SaveChangesAsync(ct);
        return new AttestationInfo(name, statement, v.AttestationSha256, v.AttestedAt.Value, catalog.Version);
    }

    /// <summary>The statement a person attests to; it names the artifact, the answers and the catalogue version.</summary>
    public static string Statement(string name, string org, App app, AppVersion v, string catalogVersion)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(v);
        return $"I, {name}, attest on behalf of {org} that version {v.Version} of {app.Name} ({app.Slug}, {app.Type}) meets every " +
            $"Gatehouse security requirement that applies to it (catalogue {catalogVersion}), that the questionnaire answers " +
            $"(questionnaire version {v.QuestionnaireVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}) are true, " +
            $"and that the submitted artifact {v.ArtifactDigest ?? v.Reference ?? "(none)"} is the one that will be distributed.";
    }

    /// <summary>A version takes an artifact, answers and an attestation while it is a draft or changes were requested.</summary>
    public static bool Editable(AppVersion v) => v?.State is VersionStates.Draft or VersionStates.ChangesRequested;

    internal static void ClearAttestation(AppVersion v)
    {
        v.AttestedAt = null;
        v.AttestedBy = null;
        v.AttestationName = null;
        v.AttestationSha256 = null;
    }
}
