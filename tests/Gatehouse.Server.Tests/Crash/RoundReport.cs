using System.Globalization;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Downloads;
using Gatehouse.Server.Scanning;
using Gatehouse.Server.Signing;

namespace Gatehouse.Server.Tests.Crash;

/// <summary>
/// What the kill landed in: the requests the clients had sent and not yet had answered (a download: whose body was still
/// arriving), per step, and the scans whose work item the dead server held.
/// </summary>
internal sealed record KillCoverage(IReadOnlyDictionary<string, int> InFlight, int ScansRunning)
{
    /// <summary>The kill points the issue names, each with how many were in flight.</summary>
    public IReadOnlyList<(string Point, int Count)> Points =>
    [
        ("upload", InFlight.GetValueOrDefault("upload")),
        ("scan", ScansRunning),
        ("decision", CrashBurst.DecisionSteps.Sum(InFlight.GetValueOrDefault)),
        ("download", InFlight.GetValueOrDefault("download")),
    ];

    public IEnumerable<string> Missed => Points.Where(p => p.Count == 0).Select(p => p.Point);

    public string Describe() => string.Join(", ", Points.Select(p => $"{p.Point} {p.Count}"))
        + (InFlight.Keys.Except(["upload", "download", .. CrashBurst.DecisionSteps]).ToList() is { Count: > 0 } other
            ? " (also " + string.Join(", ", other.Select(k => $"{k} {InFlight[k]}")) + ")" : "");
}

/// <summary>
/// The downloads as the clients saw them, over all rounds so far: GETs of download URLs sent, answered 200 (the server
/// records a download before it streams it), URLs issued with success; this round's problems (a download that arrived
/// whole but wrong, a URL that did not serve the file after the restart); and the app's counts as its API answers them
/// for the tenant (null: no row for the tenant).
/// </summary>
internal sealed record DownloadFacts(Guid VersionId, Guid TenantId, long Size, int Sent, int Answered, int Issued, int Completed,
    IReadOnlyList<string> Problems, (int Downloads, int Requests, long Bytes)? Counted);

/// <summary>
/// What one round of the crash test observed after the restart, and every broken promise as a line of text. The
/// checks look at the whole database (all rounds so far), the client-side counts at what the server promised (a 2xx).
/// </summary>
internal sealed class RoundReport
{
    public required int Round { get; init; }
    /// <summary>How many successful answers the clients had when the kill came, and how long after the kill point it came.</summary>
    public required int KilledAfterAnswers { get; init; }
    public required TimeSpan KillJitter { get; init; }
    public int AcceptedSubmits { get; private set; }
    public int AcceptedDecisions { get; private set; }
    public int AcceptedUploads { get; private set; }
    public int CutOff { get; private set; }
    public int Versions { get; private set; }
    public int Submits { get; private set; }
    public int Verdicts { get; private set; }
    /// <summary>Published versions, and stored signatures (bundle, ticket) of them.</summary>
    public int Published { get; private set; }
    public int Signatures { get; private set; }
    public int Wedged { get; private set; }
    public int LostOrDuplicated { get; private set; }
    public int UnauditedTransitions { get; private set; }
    public int UnauditedOther { get; private set; }
    public int Unnotified { get; private set; }
    public int Leftovers { get; private set; }
    public required KillCoverage Coverage { get; init; }
    /// <summary>Downloads (all rounds): the clients' 200s, whole files checked, records in the database, and broken promises about them.</summary>
    public int DownloadsAnswered { get; private set; }
    public int DownloadsCompleted { get; private set; }
    public int DownloadsRecorded { get; private set; }
    public int DownloadProblems { get; private set; }
    public bool ChainIntact { get; private set; }
    /// <summary>From the restarted server answering to every version having left <c>submitted</c>/<c>scanning</c>; null: it never did within the bound.</summary>
    public TimeSpan? Recovery { get; private set; }
    public List<string> Problems { get; } = [];

    /// <summary>Still-waiting versions seen by an earlier round: reported there, not waited for again.</summary>
    public IReadOnlySet<Guid> WaitingIds { get; private set; } = new HashSet<Guid>();

    public static RoundReport Judge(int round, TimeSpan killJitter, int killedAfter, KillCoverage coverage, BurstLedger thisRound, IReadOnlyList<BurstLedger> allRounds,
        CrashSnapshot s, DownloadFacts downloads, TimeSpan? recovery, DateTimeOffset now, IReadOnlyList<string> leftovers, bool chainIntact)
    {
        ArgumentNullException.ThrowIfNull(thisRound);
        ArgumentNullException.ThrowIfNull(allRounds);
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(downloads);
        ArgumentNullException.ThrowIfNull(leftovers);
        var r = new RoundReport { Round = round, KillJitter = killJitter, KilledAfterAnswers = killedAfter, Coverage = coverage };
        r.AcceptedSubmits = thisRound.AcceptedSteps.Count(a => a.Step == "submit");
        r.AcceptedDecisions = thisRound.AcceptedSteps.Count(a => a.Step is "approve" or "reject");
        r.AcceptedUploads = thisRound.AcceptedSteps.Count(a => a.Step == "upload");
        r.CutOff = thisRound.CutOffCount;
        r.Versions = s.Versions.Count;
        r.Submits = s.Transitions.Count(t => t.Action == Lifecycle.Actions.Submit);
        r.Verdicts = s.Transitions.Count(t => t.Action == Lifecycle.Actions.ScanCompleted);
        r.Published = s.Versions.Count(v => v.State == VersionStates.Published);
        r.Signatures = s.Signatures.Count;
        r.Recovery = recovery;
        r.ChainIntact = chainIntact;
        r.Leftovers = leftovers.Count;

        // No version waits for work that will never come (the wait before this judgement allowed for work still due).
        var waiting = s.Waiting(now);
        r.Wedged = waiting.Count;
        r.WaitingIds = waiting.Select(w => w.Version.Id).ToHashSet();
        foreach (var (v, why) in waiting) r.Problems.Add($"wedged: {v.Version} is {why}");

        // Every submission the server accepted is in the database, and reached its verdict exactly once:
        // one scan-completed transition and one finished submission scan per submit.
        var byVersion = s.Versions.ToDictionary(v => v.Version);
        var transitions = s.Transitions.GroupBy(t => t.AppVersionId).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var step in new[] { "submit", "approve", "reject", "publish" })
            foreach (var (version, promised) in Merge(allRounds, step))
            {
                var recorded = byVersion.TryGetValue(version, out var row) && transitions.TryGetValue(row.Id, out var ts) ? ts.Count(t => t.Action == step) : 0;
                if (recorded < promised) r.Lost($"lost: {version}: the server answered {promised} {step}(s) with success, the database has {recorded}");
            }
        foreach (var v in s.Versions)
        {
            var ts = transitions.GetValueOrDefault(v.Id) ?? [];
            var submits = ts.Count(t => t.Action == Lifecycle.Actions.Submit);
            var completed = ts.Count(t => t.Action == Lifecycle.Actions.ScanCompleted);
            var retries = ts.Count(t => t.Action == Lifecycle.Actions.ScanRetry);
            var finishedScans = s.Scans.Count(x => x.SubjectId == v.Id && x.Verdict is not null);
            if (completed > submits) r.Lost($"duplicated: {v.Version} reached a verdict {completed} times for {submits} submission(s)");
            if (finishedScans > submits + retries) r.Lost($"duplicated: {v.Version} has {finishedScans} finished submission scans for {submits} submission(s) and {retries} retries");
            var decisions = ts.Count(t => t.Action is Lifecycle.Actions.Approve or Lifecycle.Actions.Reject or Lifecycle.Actions.RequestChanges);
            if (decisions > 1) r.Lost($"duplicated: {v.Version} was decided {decisions} times");
        }

        // Every transition has its audit entry (version.{action}, about the version), and so has every other recorded
        // change of a version: its creation, its artifact, its answers, its attestation.
        foreach (var group in s.Transitions.GroupBy(t => (t.AppVersionId, t.Action)))
        {
            var audited = s.AuditCount(group.Key.AppVersionId, AuditActions.VersionPrefix + group.Key.Action);
            if (audited >= group.Count()) continue;
            r.UnauditedTransitions += group.Count() - audited;
            r.Problems.Add($"unaudited: {Name(s, group.Key.AppVersionId)}: {group.Count()} {group.Key.Action} transition(s), {audited} {AuditActions.VersionPrefix}{group.Key.Action} entr(ies)");
        }
        // Every move to another state is told to the organisation: an e-mail to its member, queued with the move.
        foreach (var group in s.Transitions.Where(t => t.From != t.To).GroupBy(t => (t.AppVersionId, t.To)))
        {
            var notified = s.NoticeCount(group.Key.AppVersionId, "version." + group.Key.To);
            if (notified >= group.Count()) continue;
            r.Unnotified += group.Count() - notified;
            r.Problems.Add($"unnotified: {Name(s, group.Key.AppVersionId)}: {group.Count()} move(s) to {group.Key.To}, {notified} version.{group.Key.To} e-mail(s) queued");
        }
        var uploads = Merge(allRounds, "upload");
        foreach (var v in s.Versions)
        {
            var expected = new (string Action, int Count)[]
            {
                (AuditActions.VersionCreated, 1),
                (AuditActions.VersionArtifactUploaded, Math.Max(v.ArtifactDigest is null ? 0 : 1, uploads.GetValueOrDefault(v.Version))),
                (AuditActions.VersionAnswered, v.Answered ? 1 : 0),
                (AuditActions.VersionAttested, v.Attested ? 1 : 0),
            };
            foreach (var (action, count) in expected)
            {
                var audited = s.AuditCount(v.Id, action);
                if (audited >= count) continue;
                r.UnauditedOther += count - audited;
                r.Problems.Add($"unaudited: {v.Version}: at least {count} {action} expected (state or a success answer), {audited} in the chain");
            }
        }

        // Signing is exactly once: one signing.artifact-signed entry per stored signature, never a second one.
        foreach (var group in s.Signatures.GroupBy(x => x.VersionId))
        {
            var audited = s.AuditCount(group.Key, SigningAuditActions.ArtifactSigned);
            if (audited != group.Count()) r.Lost($"signing: {Name(s, group.Key)}: {group.Count()} signature(s), {audited} {SigningAuditActions.ArtifactSigned} entr(ies)");
        }

        r.JudgeDownloads(s, downloads);

        // A download streams the stored blob itself (no copy, no scratch): what a killed one could leave is a spool or
        // scratch file, and those are the leftovers looked for here.
        foreach (var path in leftovers) r.Problems.Add($"left behind: {path}");
        if (!chainIntact) r.Problems.Add("the audit chain does not verify");
        if (recovery is null) r.Problems.Add("the server did not settle within the bound after the restart");
        return r;
    }

    /// <summary>
    /// A download's record and its <c>download.served</c> entry commit together before the first byte (issue 14): so
    /// after any kill the database has as many records as entries, at least one per distinct URL a client saw start (200;
    /// a URL is counted once per address within <c>Downloads:CountWindow</c>), at most one per GET sent, each for the whole file; the app's counts are those records; every URL issued is audited.
    /// </summary>
    private void JudgeDownloads(CrashSnapshot s, DownloadFacts d)
    {
        var records = s.Downloads.Where(x => x.VersionId == d.VersionId).ToList();
        var audited = s.AuditCount(d.VersionId, DownloadAuditActions.Served);
        DownloadsAnswered = d.Answered;
        DownloadsCompleted = d.Completed;
        DownloadsRecorded = records.Count;
        void Problem(string text)
        {
            DownloadProblems++;
            Problems.Add("download: " + text);
        }
        if (records.Count != audited) Problem($"{records.Count} download record(s) but {audited} {DownloadAuditActions.Served} entr(ies): half of a download was written");
        if (records.Count < d.Answered) Problem($"the clients saw {d.Answered} distinct URL(s) start a download (200), the database recorded {records.Count}");
        if (records.Count > d.Sent) Problem($"{records.Count} download record(s) for {d.Sent} request(s) sent");
        foreach (var x in records.Where(x => x.TenantId != d.TenantId || x.UserId is not null || x.Status != 200 || x.Offset != 0 || x.Bytes != d.Size))
            Problem($"a record that is not what was served: tenant {x.TenantId}, user {x.UserId}, status {x.Status}, offset {x.Offset}, {x.Bytes} of {d.Size} bytes");
        var issued = s.AuditCount(d.VersionId, DownloadAuditActions.UrlIssued);
        if (issued < d.Issued) Problem($"the server issued {d.Issued} URL(s) with success, {issued} {DownloadAuditActions.UrlIssued} entr(ies)");
        var expected = (records.Count(x => x.Offset == 0), records.Count, records.Sum(x => x.Bytes));
        if (records.Count > 0 && d.Counted != expected)
            Problem($"the app's counts for the tenant are {d.Counted?.ToString() ?? "missing"}, the records say {expected} (downloads, requests, bytes)");
        foreach (var p in d.Problems) Problem(p);
    }

    private void Lost(string problem)
    {
        LostOrDuplicated++;
        Problems.Add(problem);
    }

    private static Dictionary<string, int> Merge(IReadOnlyList<BurstLedger> ledgers, string step) =>
        ledgers.SelectMany(l => l.Count(step)).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value));

    private static string Name(CrashSnapshot s, Guid versionId) =>
        s.Versions.FirstOrDefault(v => v.Id == versionId)?.Version ?? versionId.ToString();

    /// <summary>One line with the round's numbers, for the test output.</summary>
    public string Summary(string db) => string.Create(CultureInfo.InvariantCulture,
        $"{db} round {Round}: killed after {KilledAfterAnswers} answers (+{KillJitter.TotalMilliseconds:0} ms) with in flight: {Coverage.Describe()}; " +
        $"accepted {AcceptedSubmits} submissions, {AcceptedDecisions} decisions, " +
        $"{AcceptedUploads} uploads, {CutOff} requests cut off; database: {Versions} versions, {Submits} submits, {Verdicts} verdicts, {Published} published with {Signatures} signatures; " +
        $"downloads (all rounds) {DownloadsAnswered} started, {DownloadsCompleted} whole and checked, {DownloadsRecorded} recorded, {DownloadProblems} problems; " +
        $"wedged {Wedged}, lost or duplicated {LostOrDuplicated}, unaudited transitions {UnauditedTransitions}, other unaudited changes {UnauditedOther}, unnotified moves {Unnotified}, " +
        $"leftover files {Leftovers}, chain {(ChainIntact ? "verifies" : "BROKEN")}, recovered in {(Recovery is { } t ? $"{t.TotalSeconds:0.0} s" : "never (bound reached)")}");
}
