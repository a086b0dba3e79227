using System.Globalization;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Scanning;
using Gatehouse.Server.Signing;

namespace Gatehouse.Server.Tests.Crash;

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
    public bool ChainIntact { get; private set; }
    /// <summary>From the restarted server answering to every version having left <c>submitted</c>/<c>scanning</c>; null: it never did within the bound.</summary>
    public TimeSpan? Recovery { get; private set; }
    public List<string> Problems { get; } = [];

    /// <summary>Still-waiting versions seen by an earlier round: reported there, not waited for again.</summary>
    public IReadOnlySet<Guid> WaitingIds { get; private set; } = new HashSet<Guid>();

    public static RoundReport Judge(int round, TimeSpan killJitter, int killedAfter, BurstLedger thisRound, IReadOnlyList<BurstLedger> allRounds,
        CrashSnapshot s, TimeSpan? recovery, DateTimeOffset now, IReadOnlyList<string> leftovers, bool chainIntact)
    {
        ArgumentNullException.ThrowIfNull(thisRound);
        ArgumentNullException.ThrowIfNull(allRounds);
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(leftovers);
        var r = new RoundReport { Round = round, KillJitter = killJitter, KilledAfterAnswers = killedAfter };
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

        foreach (var path in leftovers) r.Problems.Add($"left behind: {path}");
        if (!chainIntact) r.Problems.Add("the audit chain does not verify");
        if (recovery is null) r.Problems.Add("the server did not settle within the bound after the restart");
        return r;
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
        $"{db} round {Round}: killed after {KilledAfterAnswers} answers (+{KillJitter.TotalMilliseconds:0} ms); accepted {AcceptedSubmits} submissions, {AcceptedDecisions} decisions, " +
        $"{AcceptedUploads} uploads, {CutOff} requests cut off; database: {Versions} versions, {Submits} submits, {Verdicts} verdicts, {Published} published with {Signatures} signatures; " +
        $"wedged {Wedged}, lost or duplicated {LostOrDuplicated}, unaudited transitions {UnauditedTransitions}, other unaudited changes {UnauditedOther}, unnotified moves {Unnotified}, " +
        $"leftover files {Leftovers}, chain {(ChainIntact ? "verifies" : "BROKEN")}, recovered in {(Recovery is { } t ? $"{t.TotalSeconds:0.0} s" : "never (bound reached)")}");
}
