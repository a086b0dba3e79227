using Gatehouse.Analysis.Verdicts;
using System.Text.Json;
using Gatehouse.Server.Agreements;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Listing;
using Gatehouse.Server.Notifications;
using Gatehouse.Server.Scanning;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Apps;

/// <summary>A guard that did not hold: a stable code (also usable as a reason code) and what to do about it.</summary>
public sealed record GuardFailure(string Code, string Message);

/// <summary>The outcome of asking for a transition.</summary>
/// <param name="Detail">For <see cref="TransitionStatus.Invalid"/>: what is wrong with the request.</param>
public sealed record TransitionOutcome(TransitionStatus Status, AppVersion Version, IReadOnlyList<GuardFailure> Failures, string? Detail = null)
{
    public static TransitionOutcome Done(AppVersion v) => new(TransitionStatus.Done, v, []);
}

public enum TransitionStatus
{
    Done,
    /// <summary>The lifecycle has no such move from the current state for this actor.</summary>
    NotAllowed,
    /// <summary>The move exists but a guard did not hold (<see cref="TransitionOutcome.Failures"/>).</summary>
    GuardFailed,
    /// <summary>A staff member took a permissive decision on their own organisation's version (<see cref="Apps.ConflictOfInterest"/>).</summary>
    ConflictOfInterest,
    /// <summary>Someone else changed the version at the same time; read it again.</summary>
    Raced,
    /// <summary>The request itself is malformed: an unknown action, unknown reason codes, too long a text (<see cref="TransitionOutcome.Detail"/>).</summary>
    Invalid,
    /// <summary>A vendor asked for a decision only reviewers take.</summary>
    ReviewersOnly,
}

/// <summary>Who is asking: their user id, whether they act as staff or vendor, and from where.</summary>
/// <param name="AlsoStaff">A vendor member who also holds staff powers (<see cref="AppAccess.ActsAsStaffAsync"/>): a staff
/// decision they ask for is taken as staff, unless it is a permissive one on their own organisation's version.</param>
public sealed record Caller(string UserId, Actor As, string? ClientAddress = null, bool AlsoStaff = false)
{
    public static readonly Caller System = new("system", Actor.System);
}

/// <summary>
/// Moves versions through the lifecycle (<see cref="Lifecycle"/>), checking every guard, recording a
/// <see cref="VersionTransition"/>, auditing and notifying. All state changes of versions go through here.
/// </summary>
public sealed class VersionWorkflow(
    GatehouseDb db, TimeProvider time, AuditLog audit, Notifier notifier, AgreementGuard agreements,
    ITierEvidence evidence, ListingPolicies listing, ScanStarter scans, VersionFindings findings, IEnumerable<IVersionTransitionObserver> observers,
    IEnumerable<ISubmissionGuard> submissionGuards)
{
    public static class Guards
    {
        public const string AgreementNotAccepted = "agreement.not-accepted";
        public const string EvidenceMissing = Evidence.EvidenceGuard.ReasonMissing; // a constant: no dependency on the evidence vault
        public const string QuestionnaireMissing = "questionnaire.missing";
        public const string QuestionnaireFail = "questionnaire.fail";
        public const string AttestationMissing = "attestation.missing";
        public const string ArtifactMissing = "artifact.missing";
        public const string ScanIncomplete = "scan.incomplete";
        public const string ScanPending = "scan.pending";
        public const string ScanBlocking = "scan.blocking-findings";
        public const string ReasonRequired = "decision.reason-required";
        public const string UnknownTier = "policy.unknown-tier";
    }

    /// <summary>Asks for <paramref name="action"/> on <paramref name="version"/>; everything it needs is checked here.</summary>
    public async Task<TransitionOutcome> RequestAsync(App app, AppVersion version, string action, Caller caller,
        IReadOnlyList<string> reasons, string? text, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(reasons);
        var admission = Admit(action, version.State, caller, reasons, text);
        if (admission.Refused is { } refused) return new TransitionOutcome(refused, version, [], admission.Detail);
        caller = admission.Caller;
        var move = Lifecycle.Find(action, version.State, caller.As);
        if (move is null) return new TransitionOutcome(TransitionStatus.NotAllowed, version, []);
        if (caller.As == Actor.Staff && ConflictOfInterest.Blocks(action) && await IsMemberAsync(caller.UserId, app.OrganizationId, ct))
            return new TransitionOutcome(TransitionStatus.ConflictOfInterest, version, []);

        var failures = action switch
        {
            Lifecycle.Actions.Submit => await SubmissionGuardsAsync(app, version, ct),
            Lifecycle.Actions.Approve => await ApprovalGuardsAsync(app, version, ct),
            Lifecycle.Actions.Reinstate => await ScanGuardsAsync(app, version, ct),
            _ => [],
        };
        if (NeedsReason(action) && (reasons.Count == 0 || string.IsNullOrWhiteSpace(text)))
            failures = [.. failures, new GuardFailure(Guards.ReasonRequired, $"'{action}' needs at least one reason code and an explanation")];
        if (failures.Count > 0) return new TransitionOutcome(TransitionStatus.GuardFailed, version, failures);

        try
        {
            // One transaction per request (issue 14): the move, its transition row, its audit entry, its notifications,
            // what observers stage with it (the kill switch's suspension and revocations) and the scans it starts.
            return await db.InTransactionAsync(async () =>
            {
                if (action == Lifecycle.Actions.Submit) return await SubmitAsync(app, version, move, caller, ct);
                var moves = new List<MoveRecord> { await StageMoveAsync(app, version, move, caller, reasons, text, ct) };
                // A reviewer's rescan (in-review -> scanning) scans again: the artifact and/or the endpoints by probe.
                if (action == Lifecycle.Actions.Rescan) StageSubmissionScans(app, version);
                await SaveMovesAsync(app, moves, ct);
                return TransitionOutcome.Done(version);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new TransitionOutcome(TransitionStatus.Raced, version, []);
        }
    }

    /// <summary>What the request may ask for, before any guard: a known action (not one the system takes), known reason
    /// codes (at most 20) and a text of at most 4000 characters; then the capacity the caller acts in. A member who is also
    /// staff and asks for a staff decision on their own organisation's version acts as staff for protective decisions
    /// (quarantine, suspend, ...) and is refused for permissive ones (<see cref="ConflictOfInterest"/>); any other vendor
    /// asking for a staff decision is refused as such, not as a wrong state.</summary>
    public static Admission Admit(string action, string state, Caller caller, IReadOnlyList<string> reasons, string? text)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(reasons);
        if (!Lifecycle.Moves.Any(m => m.Action == action && m.By != Actor.System))
            return Admission.Refuse(TransitionStatus.Invalid,
                $"action must be one of: {string.Join(", ", Lifecycle.Moves.Where(m => m.By != Actor.System).Select(m => m.Action).Distinct())}");
        if (reasons.Count > 20 || reasons.Any(r => !ReasonCodes.IsKnown(r)))
            return Admission.Refuse(TransitionStatus.Invalid,
                "reasonCodes must be requirement IDs (GH-…), rule IDs (gatehouse rules) or lifecycle codes (docs/lifecycle.md), at most 20");
        if (text is { Length: > 4000 }) return Admission.Refuse(TransitionStatus.Invalid, "text must be at most 4000 characters");

        var staffOnly = caller.As == Actor.Vendor && Lifecycle.Find(action, state, Actor.Vendor) is null
            && Lifecycle.Find(action, state, Actor.Staff) is not null;
        if (staffOnly && caller.AlsoStaff)
        {
            if (ConflictOfInterest.Blocks(action)) return Admission.Refuse(TransitionStatus.ConflictOfInterest);
            return new Admission(caller with { As = Actor.Staff }, null, null);
        }
        if (staffOnly) return Admission.Refuse(TransitionStatus.ReviewersOnly);
        return new Admission(caller, null, null);
    }

    /// <summary>The capacity a request is decided in, or why it is refused before any guard (<see cref="Admit"/>).</summary>
    public sealed record Admission(Caller Caller, TransitionStatus? Refused, string? Detail)
    {
        internal static Admission Refuse(TransitionStatus status, string? detail = null) => new(Caller.System, status, detail);
    }

    private static bool NeedsReason(string action) => action is Lifecycle.Actions.RequestChanges or Lifecycle.Actions.Reject
        or Lifecycle.Actions.Quarantine or Lifecycle.Actions.Suspend or Lifecycle.Actions.Delist;

    /// <summary>Agreement accepted, evidence valid for the tier, questionnaire without fail, attestation, something to scan,
    /// and the guards features add (<see cref="ISubmissionGuard"/>: the vendor signature).</summary>
    public async Task<IReadOnlyList<GuardFailure>> SubmissionGuardsAsync(App app, AppVersion v, CancellationToken ct)
    {
        var failures = new List<GuardFailure>();
        if (await agreements.PendingVersionAsync(app.OrganizationId, ct) is { } pending)
            failures.Add(new(Guards.AgreementNotAccepted, $"accept version {pending} of the developer agreement first (POST /api/orgs/{{orgId}}/agreement/accept)"));
        failures.AddRange(await TierGuardsAsync(app, ct));
        failures.AddRange(QuestionnaireGuards(v));
        if (v.AttestedAt is null)
            failures.Add(new(Guards.AttestationMissing, "a named person must attest that the requirements are met (POST …/attestation)"));
        if (v.ArtifactDigest is null && v.Reference is null)
            failures.Add(new(Guards.ArtifactMissing, app.Type == AppTypes.WebIntegration
                ? "give the version a reference (the integration's base URL) or upload an artifact"
                : "upload the version's artifact first (PUT …/artifact)"));
        foreach (var guard in submissionGuards) failures.AddRange(await guard.CheckAsync(app, v, ct));
        return failures;
    }

    private async Task<IReadOnlyList<GuardFailure>> ApprovalGuardsAsync(App app, AppVersion v, CancellationToken ct)
    {
        var failures = new List<GuardFailure>();
        failures.AddRange(await TierGuardsAsync(app, ct));
        failures.AddRange(QuestionnaireGuards(v));
        failures.AddRange(await ScanGuardsAsync(app, v, ct));
        return failures;
    }

    private async Task<IReadOnlyList<GuardFailure>> TierGuardsAsync(App app, CancellationToken ct)
    {
        var policy = (await listing.CurrentAsync(ct)).Policy;
        if (!policy.Tiers.TryGetValue(app.Tier, out var tier))
            return [new(Guards.UnknownTier, $"the listing policy has no tier '{app.Tier}'")];
        var unmet = await evidence.UnmetAsync(app.OrganizationId, tier, ct);
        return unmet.Select(u => new GuardFailure(Guards.EvidenceMissing, u)).ToList();
    }

    private static IEnumerable<GuardFailure> QuestionnaireGuards(AppVersion v)
    {
        if (v.QuestionnaireResult is null)
            yield return new(Guards.QuestionnaireMissing, "answer the security questionnaire (PUT …/answers)");
        else if (v.QuestionnaireResult == "fail")
            yield return new(Guards.QuestionnaireFail, "the questionnaire has answers that fail; change them or the practice behind them");
    }

    /// <summary>A version with an artifact, or a web integration probed by reference, needs a finished scan that is neither incomplete nor blocking (after suppressions).</summary>
    private async Task<IReadOnlyList<GuardFailure>> ScanGuardsAsync(App app, AppVersion v, CancellationToken ct)
    {
        if (v.ArtifactDigest is null && !VersionProbes.Applies(app, v) && !ContainerVersions.PullsByReference(app, v)) return [];
        var scan = v.CurrentScanId is { } id ? await db.Scans.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) : null;
        var failures = (await JudgeScanAsync(app, v, scan, "scan", ct)).ToList();
        // A web integration with an artifact is probed too (its current scan is the artifact's): its endpoints are
        // judged by the newest probe, which every submission and rescan starts. Issue 12, item 14.
        if (v.ArtifactDigest is not null && VersionProbes.Applies(app, v))
        {
            var probe = await db.Scans.AsNoTracking()
                .Where(s => s.SubjectId == v.Id && s.ArtifactType == Scanning.Probes.ProbeReports.ArtifactType)
                .OrderByDescending(s => s.CreatedAt).FirstOrDefaultAsync(ct);
            failures.AddRange(await JudgeScanAsync(app, v, probe, "endpoint probe", ct));
        }
        return failures;
    }

    private async Task<IReadOnlyList<GuardFailure>> JudgeScanAsync(App app, AppVersion v, Scan? scan, string what, CancellationToken ct)
    {
        if (scan is null || scan.Verdict is null) return [new(Guards.ScanPending, $"the {what} has not finished")];
        var effective = await findings.EffectiveAsync(app, v, scan, ct);
        return effective.Verdict switch
        {
            Verdict.Incomplete => [new(Guards.ScanIncomplete, $"the last {what} was incomplete (an engine failed or was unreachable): rescan first")],
            Verdict.Reject => [new(Guards.ScanBlocking, $"{what}: {effective.Blocking.Count} finding(s) block: {string.Join(", ", effective.Blocking.Take(10))}")],
            _ => [],
        };
    }

    /// <summary>
    /// A submission is one unit (issue 14): submitted, then scanning with the version's scan and its work item (or
    /// straight to review when there is nothing to scan), all committed by one save in the caller's transaction.
    /// </summary>
    private async Task<TransitionOutcome> SubmitAsync(App app, AppVersion v, Move move, Caller caller, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var current = await listing.CurrentAsync(ct);
        var tier = current.Policy.Tiers[app.Tier];
        v.PolicyVersion = current.Version;
        v.AgreementVersions = (await db.Agreements.AsNoTracking().OrderByDescending(a => a.Version).Select(a => (int?)a.Version).FirstOrDefaultAsync(ct))?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        v.SubmittedAt = now;
        v.SubmittedBy = caller.UserId;
        v.SlaDueAt = now.AddHours(tier.ReviewSlaHours);
        v.Priority = tier.Priority;
        v.IncompleteScans = 0;
        v.NextScanAttemptAt = null;
        var moves = new List<MoveRecord> { await StageMoveAsync(app, v, move, caller, [], null, ct) };
        moves.Add(await StageScanningAsync(app, v, ct));
        await SaveMovesAsync(app, moves, ct);
        return TransitionOutcome.Done(v);
    }

    /// <summary>
    /// After the submit move: every submission is checked again in full: a fresh scan of the artifact, or of a web
    /// integration's endpoints by reference (the probe, docs/probe.md); anything else by reference goes straight to
    /// review. Also used by the reconciler to re-drive a version left <c>submitted</c> by an older release.
    /// </summary>
    internal async Task<MoveRecord> StageScanningAsync(App app, AppVersion v, CancellationToken ct)
    {
        if (v.ArtifactDigest is not null || VersionProbes.Applies(app, v) || ContainerVersions.PullsByReference(app, v))
        {
            var queued = await StageMoveAsync(app, v, Lifecycle.Find(Lifecycle.Actions.ScanQueued, v.State, Actor.System)!, Caller.System, [], null, ct);
            StageSubmissionScans(app, v);
            return queued;
        }
        var completed = await StageMoveAsync(app, v, Lifecycle.Find(Lifecycle.Actions.ScanCompleted, v.State, Actor.System)!, Caller.System,
            ["scan.not-applicable"], "submitted by reference: nothing to scan", ct);
        await notifier.QueueForStaffAsync("version.in-review", Summary(app, v), ct);
        return completed;
    }

    /// <summary>
    /// A submission's (or reviewer's rescan's) checks: the artifact's scan, which drives the version to review, and for a
    /// web integration the endpoint probe too, artifact or not, which approval waits for (<see cref="ScanGuardsAsync"/>).
    /// </summary>
    internal void StageSubmissionScans(App app, AppVersion v)
    {
        StageScan(app, v, ScanPurposes.Submission);
        if (v.ArtifactDigest is not null && VersionProbes.Applies(app, v))
            // Not the current scan: SubmissionScanCompletion ignores it, and the approval guard reads it.
            scans.Add(VersionProbes.Request(app, v, ScanPurposes.Submission));
    }

    /// <summary>
    /// Adds a scan of the version's artifact (under the policy it was submitted with) to the unit of work, and makes it
    /// the version's current scan; the caller's save commits both, with whatever asked for the scan.
    /// </summary>
    public Scan StageScan(App app, AppVersion v, string purpose)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(v);
        // A web integration without an artifact is probed instead; the daily probe of one with an artifact never
        // replaces the artifact's scan as the current one.
        // A container image by reference is pulled by its scan (once: the pulled image is the version's artifact from then on).
        var scan = purpose == ScanPurposes.Probe || (v.ArtifactDigest is null && VersionProbes.Applies(app, v))
            ? scans.Add(VersionProbes.Request(app, v, purpose))
            : ContainerVersions.PullsByReference(app, v)
            ? scans.Add(new ScanRequest(app.OrganizationId, v.SubmittedBy ?? "system", "", 0, Clip255(v.Reference!),
                AppTypes.EngineType(app.Type), purpose, v.Id, v.PolicyVersion, v.Reference, DeclaredSbom: v.VendorSbomDigest))
            : scans.Add(new ScanRequest(app.OrganizationId, v.SubmittedBy ?? "system", v.ArtifactDigest!, v.ArtifactSize,
                v.ArtifactName ?? "artifact", AppTypes.EngineType(app.Type), purpose, v.Id, v.PolicyVersion, DeclaredSbom: v.VendorSbomDigest));
        if (purpose != ScanPurposes.Probe || v.ArtifactDigest is null) v.CurrentScanId = scan.Id;
        v.UpdatedAt = time.GetUtcNow();
        return scan;
    }

    /// <summary>
    /// Adds an SBOM re-match of <paramref name="basis"/>'s SBOM (after an advisory import) to the unit of work and makes it
    /// the version's current scan, like a rescan; the caller's save commits both (<see cref="VersionSbomRematch"/>).
    /// </summary>
    internal Scan StageRematch(App app, AppVersion v, Scan basis)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(basis);
        var scan = scans.Add(new ScanRequest(app.OrganizationId, "system", basis.SbomBlob!, 0, ScanSboms.FileName, SbomScanRunner.ArtifactType,
            ScanPurposes.Rescan, v.Id, v.PolicyVersion, BasedOnScanId: basis.Id));
        v.CurrentScanId = scan.Id;
        v.Revision++;
        v.UpdatedAt = time.GetUtcNow();
        return scan;
    }

    /// <summary>
    /// Records the move (transition row, audit entry, notification) and saves it, with everything else the caller staged,
    /// in one transaction. Callers have checked the guards.
    /// </summary>
    public Task<TransitionOutcome> ApplyAsync(App app, AppVersion v, Move move, Caller caller,
        IReadOnlyList<string> reasons, string? text, CancellationToken ct) =>
        db.InTransactionAsync(async () =>
        {
            await SaveMovesAsync(app, [await StageMoveAsync(app, v, move, caller, reasons, text, ct)], ct);
            return TransitionOutcome.Done(v);
        }, ct);

    /// <summary>A move staged in the unit of work, for the observers told once it is saved.</summary>
    internal sealed record MoveRecord(string Action, string From, string To, string By);

    /// <summary>Stages the move: the version's state, the transition row, its audit entry, the organisation's notification, the observers' changes.</summary>
    private async Task<MoveRecord> StageMoveAsync(App app, AppVersion v, Move move, Caller caller,
        IReadOnlyList<string> reasons, string? text, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(move);
        var now = time.GetUtcNow();
        var from = v.State;
        v.State = move.To;
        v.Revision++;
        v.UpdatedAt = now;
        switch (move.Action)
        {
            case Lifecycle.Actions.Approve or Lifecycle.Actions.Reject or Lifecycle.Actions.RequestChanges:
                v.DecidedAt = now;
                v.DecidedBy = caller.UserId;
                break;
            case Lifecycle.Actions.Publish:
                v.PublishedAt = now;
                v.NextRescanAt = now.AddDays((await listing.CurrentAsync(ct)).Policy.RescanCadenceDays);
                v.NextProbeAt = VersionProbes.Applies(app, v) ? now.Add(VersionProbes.Interval) : null;
                break;
            case Lifecycle.Actions.Reinstate:
                v.NextRescanAt = now.AddDays((await listing.CurrentAsync(ct)).Policy.RescanCadenceDays);
                v.NextProbeAt = VersionProbes.Applies(app, v) ? now.Add(VersionProbes.Interval) : null;
                break;
        }
        db.VersionTransitions.Add(new VersionTransition
        {
            AppVersionId = v.Id, AppId = app.Id, OrganizationId = app.OrganizationId, From = from, To = move.To, Action = move.Action,
            ReasonCodes = JsonSerializer.Serialize(reasons), Text = text, Actor = caller.UserId, At = now,
        });
        audit.Record(db, new AuditEvent(AuditActions.VersionPrefix + move.Action, caller.UserId, app.OrganizationId.ToString(), v.Id.ToString(),
            caller.ClientAddress, new { app = app.Slug, version = v.Version, from, to = move.To, reasons, text }));
        if (from != move.To)
            await notifier.QueueForOrganizationAsync(app.OrganizationId, $"version.{move.To}", Summary(app, v, reasons, text), ct);
        // Quarantining or suspending any version suspends the app's access, saved with the move (issue 12, item 2).
        foreach (var observer in observers) observer.BeforeTransition(app, v, move.Action, move.To, caller.UserId, text);
        return new MoveRecord(move.Action, from, move.To, caller.UserId);
    }

    /// <summary>
    /// Saves the staged moves, then tells the observers (the kill switch revokes the app's tokens and keys when it
    /// leaves "published", and its own webhook hears of it); what they change is saved in the same transaction.
    /// </summary>
    private async Task SaveMovesAsync(App app, IReadOnlyList<MoveRecord> moves, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        foreach (var m in moves)
            foreach (var observer in observers) await observer.AfterTransitionAsync(app, m.Action, m.From, m.To, m.By, ct);
    }

    /// <summary>
    /// A published version whose new scan or probe (<paramref name="what"/>) blocks: quarantined by the system (which
    /// pulls the kill switch), with the blocking findings as reasons, and staff told; one transaction.
    /// </summary>
    public Task QuarantineBlockingAsync(App app, AppVersion v, IReadOnlyList<string> blocking, string what, CancellationToken ct) =>
        db.InTransactionAsync(async () =>
        {
            var move = await StageMoveAsync(app, v, Lifecycle.Find(Lifecycle.Actions.Quarantine, v.State, Actor.System)!, Caller.System,
                blocking, $"{what} found blocking findings: {string.Join(", ", blocking)}", ct);
            await notifier.QueueForStaffAsync("version.quarantined", Summary(app, v, blocking), ct);
            await SaveMovesAsync(app, [move], ct);
        }, ct);

    internal static object Summary(App app, AppVersion v, IReadOnlyList<string>? reasons = null, string? text = null) => new
    {
        app = app.Slug, appName = app.Name, version = v.Version, versionId = v.Id, state = v.State, reasons = reasons ?? [], text,
    };

    private static string Clip255(string s) => s.Length <= 255 ? s : s[..255];

    private Task<bool> IsMemberAsync(string userId, Guid orgId, CancellationToken ct) =>
        db.OrganizationMembers.AnyAsync(m => m.OrganizationId == orgId && m.UserId == userId, ct);
}
