using System.Text.Json;
using Gatehouse.Analysis.Questionnaires;
using Gatehouse.Analysis.Requirements;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Console;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Downloads;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Notifications;
using Gatehouse.Server.Scanning;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Pages.Console.Vendor;

/// <summary>
/// One version: upload the artifact, answer the questionnaire, attest, submit; then the findings with the
/// requirement's guidance, suppression requests and (once published) a signed download link. Every action
/// goes through the service the JSON API uses, so the rules, audit and notifications are the same. The upload handler is
/// streamed (<see cref="StreamedUploadAttribute"/>): the caller is authorised before a byte of the body is read.
/// </summary>
[StreamedUpload("Upload")]
public sealed class VersionModel(
    GatehouseDb db, AppAccess access, VersionWorkflow workflow, VersionDrafts drafts, VersionActions actions, SuppressionWorkflow suppressions,
    VersionFindings findings, DownloadIssuer issuer, IBlobStore blobs, IOptions<ScanningOptions> scanning, RequirementCatalog catalog,
    QuestionnaireSet questionnaires, TimeProvider time) : PageModel
{
    public sealed record RequirementGroup(string? RequirementId, Requirement? Requirement, IReadOnlyList<JudgedFinding> Findings);

    public App? App { get; private set; }
    public AppVersion? V { get; private set; }
    public string OrgName { get; private set; } = "";
    public bool Editable { get; private set; }
    public bool IsMember { get; private set; }
    public Scan? Scan { get; private set; }
    public EffectiveFindings? Effective { get; private set; }
    public IReadOnlyList<RequirementGroup> Groups { get; private set; } = [];
    public IReadOnlyList<GuardFailure> Blockers { get; private set; } = [];
    public IReadOnlyList<GuardFailure> FailedGuards { get; private set; } = [];
    public Questionnaire? Questionnaire { get; private set; }
    public IReadOnlyDictionary<string, string> Answers { get; private set; } = new Dictionary<string, string>();
    public QuestionnaireResult? Score { get; private set; }
    public string Statement { get; private set; } = "";
    public IReadOnlyList<SuppressionInfo> Suppressions { get; private set; } = [];
    public IReadOnlyList<TransitionInfo> History { get; private set; } = [];
    public IssuedUrl? Download { get; private set; }
    /// <summary>Container versions: the image and its smoke test (issue 17); null for other app types.</summary>
    public Images.ImageView? Image { get; private set; }
    /// <summary>Helm chart versions: the chart, its renders and its objects with their findings (<c>_HelmChart</c>).</summary>
    public Charts.ChartView? Chart { get; private set; }
    /// <summary>What Gatehouse signed for this version (bundle, ticket, .prov, cosign) and with which key.</summary>
    internal Signing.VersionSignatureSet? Signatures { get; private set; }
    public string? Error { get; private set; }
    public long MaxUploadBytes => scanning.Value.MaxUploadBytes;

    /// <summary>The placeholder for the attester's name in the statement shown before attesting.</summary>
    public const string NamePlaceholder = "[your full name and role]";

    public async Task<IActionResult> OnGetAsync(string app, string version, CancellationToken ct) =>
        await LoadAsync(app, version, ct) ? Page() : NotFound();

    /// <summary>
    /// The upload without JavaScript. Authorised from the route first (the version exists for the caller, the caller is a
    /// member, the version takes an artifact); only then is the form read, its antiforgery token checked and the file
    /// streamed into the blob store with the size limit and quota enforced while reading; then the API's code records it.
    /// </summary>
    public async Task<IActionResult> OnPostUploadAsync(string app, string version, CancellationToken ct)
    {
        var (a, v) = await access.FindVersionAsync(User, app, version, ct);
        if (a is null || v is null) return NotFound();
        if (!await access.IsMemberAsync(User, a.OrganizationId, ct))
            return await ShowAsync(app, version, "only members of the vendor organisation upload artifacts", ct);
        if (v.State is not (VersionStates.Draft or VersionStates.ChangesRequested))
            return await ShowAsync(app, version, $"the version is {v.State}: an artifact is uploaded while it is a draft or changes were requested", ct);
        var limit = scanning.Value.MaxUploadBytes;
        var form = await StreamedForm.ReadAsync(HttpContext, limit, (_, _, stream) =>
            BlobUploads.ReceiveAsync(stream, null, HttpContext, a.OrganizationId, blobs, limit, "artifact", "Scanning:MaxUploadBytes", ct), ct);
        if (form.Error is not null) return await ShowAsync(app, version, form.Error, ct, form.Status);
        if (form.Upload is null || string.IsNullOrWhiteSpace(form.FileName)) return await ShowAsync(app, version, "choose the artifact file to upload", ct);
        if (form.Upload.Problem is { } refused) return await ShowAsync(app, version, Refusal.From(refused).Message, ct, refused.StatusCode);
        var result = await drafts.UploadArtifactAsync(HttpContext, app, version, form.FileName, _ => Task.FromResult(form.Upload), ct);
        return await DoneAsync(app, version, result.Refusal, "The artifact is uploaded.", ct);
    }

    /// <summary>Answers from the generated form (<c>answer:Q-…</c> fields), scored by the API's code.</summary>
    public async Task<IActionResult> OnPostAnswersAsync(string app, string version, CancellationToken ct)
    {
        if (await access.FindAsync(User, app, ct) is null) return NotFound();
        var form = Request.Form.Where(f => f.Key.StartsWith("answer:", StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(f.Value))
            .ToDictionary(f => f.Key["answer:".Length..], f => f.Value.ToString(), StringComparer.Ordinal);
        var json = JsonSerializer.Serialize(form);
        var result = await drafts.AnswerAsync(HttpContext, app, version, () => Task.FromResult(QuestionnaireAnswers.Parse(json)), ct);
        var score = result.Value;
        return await DoneAsync(app, version, result.Refusal, score is null ? "" : $"The answers are saved: the questionnaire scores {QuestionNames.Of(score.Score)}.", ct);
    }

    public async Task<IActionResult> OnPostAttestAsync(string app, string version, string? attestName, bool accept, CancellationToken ct)
    {
        if (await access.FindAsync(User, app, ct) is null) return NotFound();
        var result = await drafts.AttestAsync(HttpContext, app, version, new AttestRequest(attestName, accept), ct);
        return await DoneAsync(app, version, result.Refusal, "The statement is attested.", ct);
    }

    public async Task<IActionResult> OnPostSubmitAsync(string app, string version, CancellationToken ct)
    {
        if (await access.FindAsync(User, app, ct) is null) return NotFound();
        var result = await actions.ActAsync(HttpContext, app, version, new ActionRequest(Lifecycle.Actions.Submit, null, null), ct);
        if (result.Refusal is { } refusal)
        {
            FailedGuards = VersionRefusals.Guards(refusal);
            return await ShowAsync(app, version, FailedGuards.Count > 0 ? "The version was not submitted: every guard below must hold." : refusal.Message, ct);
        }
        TempData["Flash"] = "The version is submitted. It is scanned now and then reviewed.";
        return RedirectToPage(new { app, version });
    }

    /// <summary>An approved version goes live (the vendor decides when), through the API's action handler.</summary>
    public async Task<IActionResult> OnPostPublishAsync(string app, string version, CancellationToken ct)
    {
        if (await access.FindAsync(User, app, ct) is null) return NotFound();
        var result = await actions.ActAsync(HttpContext, app, version, new ActionRequest(Lifecycle.Actions.Publish, null, null), ct);
        return await DoneAsync(app, version, result.Refusal, "The version is published: customers can install and download it.", ct);
    }

    public async Task<IActionResult> OnPostSuppressAsync(string app, string version, string? fingerprint, string? justification, CancellationToken ct)
    {
        if (await access.FindAsync(User, app, ct) is null) return NotFound();
        var result = await suppressions.RequestAsync(HttpContext, app, new RequestSuppressionRequest(fingerprint, justification), ct);
        return await DoneAsync(app, version, result.Refusal, "The suppression is requested; a reviewer decides on it.", ct);
    }

    /// <summary>A signed, time-limited download URL for the caller (the API's issue logic), shown with its expiry.</summary>
    public async Task<IActionResult> OnPostDownloadAsync(string app, string version, CancellationToken ct)
    {
        if (await access.FindAsync(User, app, ct) is null) return NotFound();
        var result = await issuer.IssueAsync(HttpContext, app, version, null, ct);
        if (result.Refusal is { } refusal) return await ShowAsync(app, version, refusal.Message, ct);
        if (!await LoadAsync(app, version, ct)) return NotFound();
        Download = result.Value;
        return Page();
    }

    private async Task<IActionResult> DoneAsync(string app, string version, Refusal? refusal, string flash, CancellationToken ct)
    {
        if (refusal is not null) return await ShowAsync(app, version, refusal.Message, ct);
        TempData["Flash"] = flash;
        return RedirectToPage(new { app, version });
    }

    private async Task<IActionResult> ShowAsync(string app, string version, string error, CancellationToken ct, int status = StatusCodes.Status200OK)
    {
        if (!await LoadAsync(app, version, ct)) return NotFound();
        Error = error;
        Response.StatusCode = status;
        return Page();
    }

    private async Task<bool> LoadAsync(string app, string version, CancellationToken ct)
    {
        db.ChangeTracker.Clear(); // after a handler: read what was stored, not what was tracked
        var (a, v) = await access.FindVersionAsync(User, app, version, ct);
        if (a is null || v is null) return false;
        App = a;
        V = v;
        OrgName = await db.Organizations.AsNoTracking().Where(o => o.Id == a.OrganizationId).Select(o => o.Name).FirstAsync(ct);
        IsMember = await access.IsMemberAsync(User, a.OrganizationId, ct);
        Editable = IsMember && v.State is VersionStates.Draft or VersionStates.ChangesRequested;
        if (v.State is VersionStates.Draft or VersionStates.ChangesRequested) Blockers = await workflow.SubmissionGuardsAsync(a, v, ct);
        Questionnaire = questionnaires.Find(a.Type);
        Answers = v.AnswersJson is null ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(v.AnswersJson) ?? [];
        if (Questionnaire is not null && v.AnswersJson is not null) Score = QuestionnaireScorer.Score(Questionnaire, Answers);
        Statement = VersionDrafts.Statement(NamePlaceholder, OrgName, a, v, catalog.Version);
        Scan = v.CurrentScanId is { } sid ? await db.Scans.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sid, ct) : null;
        if (Scan is not null)
        {
            Effective = await findings.EffectiveAsync(a, v, Scan, ct);
            Groups = Effective.Findings.GroupBy(f => f.Finding.RequirementId)
                .Select(g => new RequirementGroup(g.Key, g.Key is null ? null : catalog.Find(g.Key), [.. g]))
                .OrderBy(g => g.RequirementId is null).ThenBy(g => g.RequirementId, StringComparer.Ordinal).ToList();
        }
        Image = Images.ImageView.Of(a, v, Scan);
        Chart = Charts.ChartView.Of(a, v, Scan);
        Signatures = await HttpContext.RequestServices.GetRequiredService<Signing.VersionSignatures>().ForAsync(a, v, ct);
        var now = time.GetUtcNow();
        Suppressions = (await db.Suppressions.AsNoTracking().Where(s => s.AppId == a.Id).OrderByDescending(s => s.RequestedAt).ToListAsync(ct))
            .Select(s => SuppressionInfo.From(s, now)).ToList();
        History = (await db.VersionTransitions.AsNoTracking().Where(t => t.AppVersionId == v.Id).OrderBy(t => t.Id).ToListAsync(ct))
            .Select(t => new TransitionInfo(t.From, t.To, t.Action, JsonSerializer.Deserialize<List<string>>(t.ReasonCodes) ?? [], t.Text, t.Actor, t.At)).ToList();
        return true;
    }

    /// <summary>The suppression of <paramref name="fingerprint"/> that is open or in force, if any.</summary>
    public SuppressionInfo? SuppressionOf(string fingerprint) =>
        Suppressions.FirstOrDefault(s => s.Fingerprint == fingerprint && (s.State == SuppressionStates.Requested || s.Active));
}
