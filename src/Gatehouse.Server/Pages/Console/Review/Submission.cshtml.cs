using System.Text.Json;
using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Questionnaires;
using Gatehouse.Analysis.Requirements;
using Gatehouse.Analysis.Vulnerabilities.Packages;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Evidence;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Listing;
using Gatehouse.Server.Scanning;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Pages.Console.Review;

/// <summary>
/// One submission as a reviewer sees it: the app, the version's state and history, the questionnaire, the
/// attestation, the findings by requirement and severity, the organisation's evidence, what changed since the
/// previous version, the SBOM summary and probe results; and the decisions, each through the
/// same service as the <c>/actions</c> endpoint (<see cref="VersionActions.ActAsync"/>), so the guards and audit are the API's.
/// </summary>
public sealed class SubmissionModel(
    GatehouseDb db, AppAccess apps, VersionActions actions, VersionFindings findings, ListingPolicies listing,
    ReviewQueue queue, TimeProvider time) : PageModel
{
    /// <summary>The decisions this page offers (all staff moves of <see cref="Lifecycle"/>).</summary>
    public static readonly IReadOnlyList<string> PageActions =
        [Lifecycle.Actions.Approve, Lifecycle.Actions.RequestChanges, Lifecycle.Actions.Reject, Lifecycle.Actions.Quarantine];

    /// <summary>Lifecycle reason codes offered besides requirement IDs (docs/lifecycle.md).</summary>
    public static readonly IReadOnlyList<(string Code, string Label)> OtherReasons =
    [
        ("review.policy-violation", "Policy violation"),
        ("review.functional-failure", "Does not work as described"),
        ("review.misleading-listing", "Misleading listing"),
        ("review.security-incident", "Security incident"),
        ("review.other", "Other (explain in the text)"),
    ];

    public sealed record QuestionRow(string Id, string Text, string? Answer, string Score, string Requirement, string Message);
    public sealed record FindingRow(ScanFinding Finding, Suppression? SuppressedBy, RuleDescriptor? Rule);
    public sealed record SeverityGroup(string Severity, IReadOnlyList<FindingRow> Findings);
    public sealed record RequirementGroup(string? RequirementId, string Title, IReadOnlyList<SeverityGroup> Severities);
    public sealed record AnswerChange(string Question, string? Before, string? After);
    public sealed record Diff(string PreviousVersion, bool BothScanned, IReadOnlyList<ScanFinding> Added, IReadOnlyList<ScanFinding> Removed,
        IReadOnlyList<AnswerChange> Answers);
    /// <summary>One package of the version's SBOM; <see cref="Advisories"/> are the vulnerability findings' advisory IDs for it.</summary>
    public sealed record SbomRow(string Ecosystem, string Purl, string DeclaredIn, IReadOnlyList<string> Advisories, string? Severity);
    /// <summary>The version's SBOM: packages per ecosystem and the list (vulnerable first, at most <see cref="MaxSbomRows"/>).</summary>
    public sealed record SbomSummary(int Components, IReadOnlyList<(string Kind, int Count)> ByKind, IReadOnlyList<SbomRow> Rows, int Vulnerable,
        string? Problem = null);

    /// <summary>Most SBOM rows shown on the page (the download has them all).</summary>
    public const int MaxSbomRows = 2000;
    public sealed record ProbeCheckRow(string Name, string Status, string? Detail);
    public sealed record ProbeRun(Scan Scan, IReadOnlyList<ProbeCheckRow> Checks, IReadOnlyList<ScanFinding> Findings);

    public App App { get; private set; } = null!;
    public AppVersion Version { get; private set; } = null!;
    public string OrganizationName { get; private set; } = "";
    public IReadOnlyList<VersionTransition> History { get; private set; } = [];
    public string? QuestionnaireScore { get; private set; }
    public IReadOnlyList<QuestionRow> Questions { get; private set; } = [];
    public Scan? CurrentScan { get; private set; }
    public EffectiveFindings? Effective { get; private set; }
    public IReadOnlyList<RequirementGroup> FindingGroups { get; private set; } = [];
    public IReadOnlyList<string> FindingRequirementIds { get; private set; } = [];
    public IReadOnlyList<EvidenceItem> Evidence { get; private set; } = [];
    public int EvidenceWarningDays { get; private set; }
    public Diff? Changes { get; private set; }
    public SbomSummary? Sbom { get; private set; }
    /// <summary>Container versions: the image and its smoke test (issue 17); null for other app types.</summary>
    public Images.ImageView? Image { get; private set; }
    /// <summary>Helm chart versions: the chart, its renders and its objects with their findings (<c>_HelmChart</c>).</summary>
    public Charts.ChartView? Chart { get; private set; }
    /// <summary>What Gatehouse signed for this version (bundle, ticket, .prov, cosign) and with which key.</summary>
    internal Signing.VersionSignatureSet? Signatures { get; private set; }
    public IReadOnlyList<ProbeRun> Probes { get; private set; } = [];
    public IReadOnlyDictionary<string, string> Emails { get; private set; } = new Dictionary<string, string>();
    public DateTimeOffset Now { get; private set; }

    public string? Error { get; private set; }
    public IReadOnlyList<GuardFailure> FailedGuards { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string app, string version, CancellationToken ct) =>
        await LoadAsync(app, version, ct) ? Page() : NotFound();

    /// <summary>A decision, exactly as <c>POST /api/apps/{app}/versions/{version}/actions</c> takes it.</summary>
    public async Task<IActionResult> OnPostActAsync(string app, string version, string? decision, string[]? reasons, string? text, CancellationToken ct)
    {
        if (decision is null || !PageActions.Contains(decision)) return BadRequest();
        var codes = (reasons ?? []).Where(r => !string.IsNullOrWhiteSpace(r)).Distinct(StringComparer.Ordinal).ToList();
        var result = await actions.ActAsync(HttpContext, app, version, new ActionRequest(decision, codes, string.IsNullOrWhiteSpace(text) ? null : text.Trim()), ct);
        if (result.Refusal is { } refusal)
        {
            if (refusal.Status == StatusCodes.Status404NotFound) return NotFound();
            Error = $"Could not {decision}: {refusal.Message}";
            FailedGuards = VersionRefusals.Guards(refusal);
            Response.StatusCode = refusal.Status;
            return await LoadAsync(app, version, ct) ? Page() : NotFound();
        }
        var state = result.Value!.State;
        TempData["Flash"] = $"Done: {decision}. The version is now {state}.";
        return Redirect($"/console/review/apps/{Uri.EscapeDataString(app)}/versions/{Uri.EscapeDataString(version)}");
    }

    /// <summary>Assigns the version to the caller (the assign endpoint's handler).</summary>
    public async Task<IActionResult> OnPostAssignAsync(string app, string version, CancellationToken ct)
    {
        var result = await queue.AssignAsync(HttpContext, app, version, new AssignRequest(null), ct);
        if (result.Refusal is { } refusal)
        {
            if (refusal.Status == StatusCodes.Status404NotFound) return NotFound();
            Error = $"Could not assign: {refusal.Message}";
            Response.StatusCode = refusal.Status;
            return await LoadAsync(app, version, ct) ? Page() : NotFound();
        }
        TempData["Flash"] = "The version is assigned to you.";
        return Redirect($"/console/review/apps/{Uri.EscapeDataString(app)}/versions/{Uri.EscapeDataString(version)}");
    }

    private async Task<bool> LoadAsync(string slug, string version, CancellationToken ct)
    {
        var (row, v) = await apps.FindVersionAsync(User, slug, version, ct);
        if (row is null || v is null) return false;
        App = row;
        Version = v;
        Now = time.GetUtcNow();
        OrganizationName = await db.Organizations.AsNoTracking().Where(o => o.Id == row.OrganizationId).Select(o => o.Name).FirstOrDefaultAsync(ct) ?? "";
        History = await db.VersionTransitions.AsNoTracking().Where(t => t.AppVersionId == v.Id).OrderBy(t => t.Id).ToListAsync(ct);
        LoadQuestionnaire(row, v);

        CurrentScan = v.CurrentScanId is { } sid ? await db.Scans.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sid, ct) : null;
        if (CurrentScan is not null)
        {
            Effective = await findings.EffectiveAsync(row, v, CurrentScan, ct);
            FindingGroups = Group(Effective.Findings);
            FindingRequirementIds = [.. Effective.Findings.Select(f => f.Finding.RequirementId).OfType<string>().Distinct().Order(StringComparer.Ordinal)];
            Sbom = await ReadSbomAsync(CurrentScan, Effective.Findings.Select(f => f.Finding).ToList(), ct);
        }

        Image = Images.ImageView.Of(row, v, CurrentScan);
        Chart = Charts.ChartView.Of(row, v, CurrentScan);
        Signatures = await HttpContext.RequestServices.GetRequiredService<Signing.VersionSignatures>().ForAsync(row, v, ct);
        Evidence = await db.EvidenceItems.AsNoTracking().Where(e => e.OrganizationId == row.OrganizationId).ToListAsync(ct);
        Evidence = [.. Evidence.OrderByDescending(e => e.UploadedAt)];
        EvidenceWarningDays = (await listing.CurrentAsync(ct)).Policy.EvidenceExpiryWarningDays;
        Changes = await DiffAsync(row, v, ct);
        Probes = await ProbesAsync(v, ct);
        Emails = await ReviewPages.EmailsAsync(db,
            [.. History.Select(t => t.Actor), v.AssignedReviewerId, v.SubmittedBy, v.AttestedBy, v.DecidedBy,
             .. Effective?.Findings.Select(f => f.SuppressedBy?.DecidedBy) ?? []], ct);
        return true;
    }

    private void LoadQuestionnaire(App row, AppVersion v)
    {
        QuestionnaireScore = v.QuestionnaireResult;
        if (v.QuestionnaireScoreJson is null) return;
        var questionnaire = QuestionnaireSet.LoadEmbedded().Find(row.Type);
        var answers = ParseAnswers(v.AnswersJson);
        using var doc = JsonDocument.Parse(v.QuestionnaireScoreJson);
        if (!doc.RootElement.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array) return;
        Questions = [.. items.EnumerateArray().Select(i =>
        {
            var id = Str(i, "id") ?? "";
            return new QuestionRow(id, questionnaire?.Find(id)?.Text ?? id, Str(i, "answer") ?? answers.GetValueOrDefault(id),
                Str(i, "score") ?? "", Str(i, "requirement") ?? "", Str(i, "message") ?? "");
        })];
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    private static Dictionary<string, string> ParseAnswers(string? json)
    {
        if (string.IsNullOrEmpty(json)) return [];
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static readonly Lazy<Dictionary<string, RuleDescriptor>> Rules = new(() =>
        AnalyzerCatalog.AllRules().GroupBy(r => r.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal));

    private static readonly string[] SeverityOrder = ["critical", "high", "medium", "low", "info"];

    /// <summary>Findings by requirement (those with blocking severities first), then by severity, worst first.</summary>
    private static List<RequirementGroup> Group(IReadOnlyList<JudgedFinding> judged)
    {
        var catalog = RequirementCatalog.LoadEmbedded();
        static int Rank(string s) => Array.IndexOf(SeverityOrder, s.ToLowerInvariant()) is var i and >= 0 ? i : 0;
        return [.. judged
            .GroupBy(j => j.Finding.RequirementId)
            .Select(g => new RequirementGroup(g.Key, g.Key is null ? "Not linked to a requirement" : catalog.Find(g.Key)?.Title ?? g.Key,
                [.. g.GroupBy(j => j.Finding.Severity.ToLowerInvariant()).OrderBy(s => Rank(s.Key))
                    .Select(s => new SeverityGroup(s.Key, [.. s.Select(j => new FindingRow(j.Finding, j.SuppressedBy, Rules.Value.GetValueOrDefault(j.Finding.RuleId)))]))]))
            .OrderBy(g => g.Severities.Min(s => Rank(s.Severity)))
            .ThenBy(g => g.RequirementId ?? "~", StringComparer.Ordinal)];
    }

    /// <summary>The previous version of the app (created before this one) against this one: findings by fingerprint, answers by question.</summary>
    private async Task<Diff?> DiffAsync(App row, AppVersion v, CancellationToken ct)
    {
        var previous = await db.AppVersions.AsNoTracking().Where(x => x.AppId == row.Id && x.Id != v.Id && x.CreatedAt <= v.CreatedAt)
            .OrderByDescending(x => x.CreatedAt).FirstOrDefaultAsync(ct);
        if (previous is null) return null;
        var now = await FindingsOfAsync(v.CurrentScanId, ct);
        var before = await FindingsOfAsync(previous.CurrentScanId, ct);
        var bothScanned = v.CurrentScanId is not null && previous.CurrentScanId is not null;
        var nowPrints = now.Select(f => f.Fingerprint).ToHashSet(StringComparer.Ordinal);
        var beforePrints = before.Select(f => f.Fingerprint).ToHashSet(StringComparer.Ordinal);
        var added = bothScanned ? now.Where(f => !beforePrints.Contains(f.Fingerprint)).ToList() : [];
        var removed = bothScanned ? before.Where(f => !nowPrints.Contains(f.Fingerprint)).ToList() : [];
        var a = ParseAnswers(previous.AnswersJson);
        var b = ParseAnswers(v.AnswersJson);
        var questionnaire = QuestionnaireSet.LoadEmbedded().Find(row.Type);
        var changed = a.Keys.Union(b.Keys).Order(StringComparer.Ordinal)
            .Where(k => a.GetValueOrDefault(k) != b.GetValueOrDefault(k))
            .Select(k => new AnswerChange(questionnaire?.Find(k)?.Text ?? k, a.GetValueOrDefault(k), b.GetValueOrDefault(k))).ToList();
        return new Diff(previous.Version, bothScanned, added, removed, changed);
    }

    private async Task<List<ScanFinding>> FindingsOfAsync(Guid? scanId, CancellationToken ct) =>
        scanId is { } id ? await db.ScanFindings.AsNoTracking().Where(f => f.ScanId == id).OrderBy(f => f.Id).ToListAsync(ct) : [];

    /// <summary>The current scan's SBOM (<see cref="Scan.SbomBlob"/>), read back and paired with its vulnerability findings.</summary>
    private async Task<SbomSummary?> ReadSbomAsync(Scan scan, IReadOnlyList<ScanFinding> scanFindings, CancellationToken ct)
    {
        if (scan.SbomBlob is not { } digest) return null;
        var read = await HttpContext.RequestServices.GetRequiredService<ScanSboms>().ReadAsync(digest, "sbom", ct);
        if (read is not { Success: true }) return new SbomSummary(0, [], [], 0, read?.Error?.Message ?? "the stored SBOM is missing");
        return Summarize(read.Packages, scanFindings);
    }

    /// <summary>
    /// Packages per ecosystem and one row per package, each with the advisory IDs of the <c>vuln.*</c> findings about it: a
    /// finding is about a package when it names the file that declared it and begins with the package's <c>name@version</c>
    /// (how the vulnerability findings read) or names its purl. Vulnerable packages first, then by purl.
    /// </summary>
    public static SbomSummary Summarize(IReadOnlyList<CatalogedPackage> packages, IReadOnlyList<ScanFinding> scanFindings)
    {
        ArgumentNullException.ThrowIfNull(packages);
        ArgumentNullException.ThrowIfNull(scanFindings);
        var vulns = scanFindings.Where(f => f.RuleId.StartsWith(SbomScanRunner.VulnerabilityRulePrefix, StringComparison.Ordinal))
            .ToLookup(f => f.Path, StringComparer.Ordinal);
        var rows = packages.Select(p =>
        {
            var purl = p.Purl.ToString();
            // The vulnerability findings begin with "name@version " (VulnerabilityFindings.Message); a purl names it too.
            var about = vulns[p.DeclaredIn].Where(f => f.Message.StartsWith($"{p.Name}@{p.Version} ", StringComparison.Ordinal)
                || f.Message.Contains(purl, StringComparison.Ordinal)).ToList();
            var worst = about.Select(f => f.Severity).OrderBy(s => Array.IndexOf(SeverityOrder, s)).FirstOrDefault();
            return new SbomRow(p.Ecosystem, purl, p.DeclaredIn, about.Select(f => f.Evidence ?? f.RuleId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), worst);
        }).OrderBy(r => r.Advisories.Count == 0).ThenBy(r => r.Purl, StringComparer.Ordinal).ThenBy(r => r.DeclaredIn, StringComparer.Ordinal).ToList();
        var kinds = packages.GroupBy(p => p.Ecosystem, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count())).ToList();
        return new SbomSummary(packages.Count, kinds, rows.Take(MaxSbomRows).ToList(), rows.Count(r => r.Advisories.Count > 0));
    }

    /// <summary>Endpoint probes of this version (scans with artifact type <c>probe</c>), newest first: checks from the report, findings from the rows.</summary>
    private async Task<List<ProbeRun>> ProbesAsync(AppVersion v, CancellationToken ct)
    {
        var scans = await db.Scans.AsNoTracking().Where(s => s.SubjectId == v.Id && s.ArtifactType == "probe").ToListAsync(ct);
        var runs = new List<ProbeRun>();
        foreach (var s in scans.OrderByDescending(s => s.CreatedAt).Take(5))
            runs.Add(new ProbeRun(s, ReadChecks(s.ReportJson), await FindingsOfAsync(s.Id, ct)));
        return runs;
    }

    private static List<ProbeCheckRow> ReadChecks(string? reportJson)
    {
        if (string.IsNullOrEmpty(reportJson)) return [];
        try
        {
            using var doc = JsonDocument.Parse(reportJson);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("checks", out var checks)
                || checks.ValueKind != JsonValueKind.Array) return [];
            return [.. checks.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object)
                .Select(c => new ProbeCheckRow(Str(c, "name") ?? "", Str(c, "status") ?? "", Str(c, "detail")))];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    public string Validity(EvidenceItem e) => EvidenceValidity.Of(e, Now, EvidenceWarningDays);

    public static IReadOnlyList<string> ReasonsOf(VersionTransition t)
    {
        try
        {
            return JsonSerializer.Deserialize<List<string>>(t.ReasonCodes) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>Which decision forms apply in the version's state.</summary>
    public bool Offers(string action) => Lifecycle.Find(action, Version.State, Actor.Staff) is not null;
}
