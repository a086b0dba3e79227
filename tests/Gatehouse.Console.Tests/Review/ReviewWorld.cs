using System.Text.Json;
using System.Text.Json.Serialization;
using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Questionnaires;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Evidence;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Scanning;
using Gatehouse.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Console.Tests.Review;

/// <summary>
/// Rows for the reviewer's pages, written directly (no engine needed): a vendor organisation with two apps, versions
/// in review with scanned findings and a scored questionnaire, a suppression request and evidence waiting for review.
/// </summary>
internal sealed class ReviewWorld
{
    public const string Password = "a-long-enough-password";
    public required GatehouseUser Reviewer { get; init; }
    public required GatehouseUser Vendor { get; init; }
    public required Organization Org { get; init; }
    public required App Acme { get; init; }
    public required App Beta { get; init; }
    public required string SecretRule { get; init; }
    public required string SecretRequirement { get; init; }
    public required string MediumRule { get; init; }
    public required Guid SuppressionId { get; init; }
    public required Guid EvidenceId { get; init; }

    private static readonly JsonSerializerOptions ScoreJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static async Task<ReviewWorld> CreateAsync(GatehouseApp app, string acmeName = "Acme Sync")
    {
        var reviewer = await app.CreateUserAsync(Roles.Reviewer, "reviewer", Password);
        var vendor = await app.CreateUserAsync(Roles.Developer, "vendor", Password);
        var org = await app.CreateOrganizationAsync(vendor.Id, "Acme Vendor Ltd");
        var rules = AnalyzerCatalog.AllRules();
        var secret = rules.First(r => r.RequirementId == "GH-SEC-1" && r.DefaultSeverity == Gatehouse.Analysis.Pipeline.Severity.High);
        var medium = rules.First(r => r.DefaultSeverity == Gatehouse.Analysis.Pipeline.Severity.Medium && r.RequirementId != secret.RequirementId);
        return await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var acme = NewApp(org, vendor, "acme-sync", acmeName, now.AddDays(-30));
            var beta = NewApp(org, vendor, "beta-tool", "Beta Tool", now.AddDays(-20));
            db.Apps.AddRange(acme, beta);

            // Acme 1.0.0 (published) and 1.1.0 (in review): one finding stays, one is new, one went away; one answer changed.
            var answers = Answers(acme.Type);
            var acme1 = NewVersion(acme, vendor, "1.0.0", VersionStates.Published, now.AddDays(-10), answers);
            var changedAnswers = new Dictionary<string, string>(answers);
            var textQuestion = QuestionnaireSet.LoadEmbedded().Get(acme.Type).Items.First(i => i.Kind == QuestionKind.Text).Id;
            changedAnswers[textQuestion] = "Credentials rotate monthly now, and on every staff change.";
            var acme2 = NewVersion(acme, vendor, "1.1.0", VersionStates.InReview, now.AddHours(-10), changedAnswers);
            acme2.SlaDueAt = now.AddHours(110);
            var beta2 = NewVersion(beta, vendor, "2.0.0", VersionStates.InReview, now.AddHours(-130), Answers(beta.Type));
            beta2.SlaDueAt = now.AddHours(-10); // overdue
            db.AppVersions.AddRange(acme1, acme2, beta2);

            var keptPrint = new string('a', 64);
            AddScan(db, org, acme1, "reject", now.AddDays(-10),
                Finding(secret.Id, "high", "config/settings.json", keptPrint, secret.RequirementId, 3),
                Finding(medium.Id, "medium", "old/readme.txt", new string('c', 64), medium.RequirementId, null));
            AddScan(db, org, acme2, "reject", now.AddHours(-9),
                Finding(secret.Id, "high", "config/settings.json", keptPrint, secret.RequirementId, 3),
                Finding(medium.Id, "medium", "docs/notes.txt", new string('b', 64), medium.RequirementId, null));
            AddScan(db, org, beta2, "pass", now.AddHours(-129));

            var suppression = new Suppression
            {
                Id = Guid.NewGuid(), AppId = acme.Id, OrganizationId = org.Id, Fingerprint = new string('b', 64), RuleId = medium.Id,
                Path = "docs/notes.txt", Justification = "The notes file is documentation shipped for reference, never executed.",
                State = SuppressionStates.Requested, RequestedBy = vendor.Id, RequestedAt = now.AddHours(-5),
            };
            db.Suppressions.Add(suppression);
            var evidence = new EvidenceItem
            {
                Id = Guid.NewGuid(), OrganizationId = org.Id, Type = EvidenceTypes.Iso27001, Issuer = "Example Certification Ltd",
                Scope = "all products", ValidFrom = now.AddDays(-100), ValidUntil = now.AddDays(600), BlobDigest = "sha256:" + new string('e', 64),
                FileName = "iso-cert.pdf", Size = 1234, Status = EvidenceStatus.PendingReview, UploadedBy = vendor.Id, UploadedAt = now.AddDays(-1),
            };
            db.EvidenceItems.Add(evidence);
            await db.SaveChangesAsync();
            return new ReviewWorld
            {
                Reviewer = reviewer, Vendor = vendor, Org = org, Acme = acme, Beta = beta, SecretRule = secret.Id,
                SecretRequirement = secret.RequirementId, MediumRule = medium.Id, SuppressionId = suppression.Id, EvidenceId = evidence.Id,
            };
        });
    }

    private static App NewApp(Organization org, GatehouseUser vendor, string slug, string name, DateTimeOffset at) => new()
    {
        Id = Guid.NewGuid(), OrganizationId = org.Id, Slug = slug, Name = name, Type = AppTypes.Downloadable, Tier = "standard",
        CreatedBy = vendor.Id, CreatedAt = at,
    };

    private static AppVersion NewVersion(App app, GatehouseUser vendor, string version, string state, DateTimeOffset at, Dictionary<string, string> answers)
    {
        var result = QuestionnaireScorer.Score(QuestionnaireSet.LoadEmbedded().Get(app.Type), answers);
        return new AppVersion
        {
            Id = Guid.NewGuid(), AppId = app.Id, OrganizationId = app.OrganizationId, Version = version, State = state,
            ArtifactDigest = "sha256:" + new string('d', 64), ArtifactName = "app.zip", ArtifactSize = 2048,
            QuestionnaireVersion = result.QuestionnaireVersion, AnswersJson = JsonSerializer.Serialize(answers),
            QuestionnaireResult = "info", QuestionnaireScoreJson = JsonSerializer.Serialize(result, ScoreJson),
            AttestedBy = vendor.Id, AttestationName = "Dana Smith, CISO", AttestationSha256 = new string('5', 64), AttestedAt = at,
            SubmittedAt = at, SubmittedBy = vendor.Id, Priority = 1, CreatedBy = vendor.Id, CreatedAt = at, UpdatedAt = at,
        };
    }

    private static ScanFinding Finding(string rule, string severity, string path, string print, string requirement, int? line) => new()
    {
        RuleId = rule, Severity = severity, Path = path, Message = $"{rule} in {path}", Fingerprint = print, RequirementId = requirement,
        AnalyzerId = "test", Line = line,
    };

    private static void AddScan(GatehouseDb db, Organization org, AppVersion v, string verdict, DateTimeOffset at, params ScanFinding[] findings)
    {
        var scan = new Scan
        {
            Id = Guid.NewGuid(), OrganizationId = org.Id, SubmittedBy = v.CreatedBy, BlobDigest = v.ArtifactDigest!, Size = v.ArtifactSize,
            FileName = "app.zip", ArtifactType = "downloadable", State = ScanState.Done, Verdict = VerdictNames.Parse(verdict), ReportJson = "{}",
            Purpose = ScanPurposes.Submission, SubjectId = v.Id, CreatedAt = at, CompletedAt = at, Findings = [.. findings],
        };
        db.Scans.Add(scan);
        v.CurrentScanId = scan.Id;
    }

    /// <summary>Every question answered with an option that scores info (free-text questions get a sentence).</summary>
    public static Dictionary<string, string> Answers(string type)
    {
        var answers = new Dictionary<string, string>();
        foreach (var item in QuestionnaireSet.LoadEmbedded().Get(type).Items)
            answers[item.Id] = item.Kind == QuestionKind.Text
                ? "We rotate credentials quarterly and on every staff change."
                : item.Options.First(o => o.Score == QuestionScore.Info).Value;
        return answers;
    }
}
