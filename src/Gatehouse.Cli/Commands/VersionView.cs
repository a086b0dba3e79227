using System.Globalization;
using System.Text.Json;
using Gatehouse.Cli.Http;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// The API paths of apps and versions, and the table output shared by <c>gatehouse status</c> and
/// <c>gatehouse submit</c>: the version detail, the questionnaire score and the guards that did not hold.
/// </summary>
internal static class VersionView
{
    /// <summary>States in which a submitted version waits for its scan.</summary>
    public static readonly IReadOnlySet<string> Scanning = new HashSet<string>(StringComparer.Ordinal) { "submitted", "scanning" };

    /// <summary>States that still wait for a person (the SLA clock runs).</summary>
    private static readonly IReadOnlySet<string> Pending = new HashSet<string>(StringComparer.Ordinal) { "submitted", "scanning", "in-review" };

    private const int LastTransitions = 5;

    public static string AppPath(string app) => "api/apps/" + Uri.EscapeDataString(app);

    public static string VersionsPath(string app) => AppPath(app) + "/versions";

    public static string VersionPath(string app, string version) => VersionsPath(app) + "/" + Uri.EscapeDataString(version);

    /// <summary>A time as <c>2026-11-29 17:02Z</c>, or <c>-</c>.</summary>
    public static string Time(DateTimeOffset? at) =>
        at is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture) : "-";

    /// <summary>The scan's verdict for a table cell: the effective verdict, with the raw one when suppressions changed it.</summary>
    public static string Verdict(ScanWire? scan)
    {
        if (scan is null) return "-";
        if (scan.Verdict is null) return Terminal.Sanitize(scan.State ?? "pending");
        var effective = scan.EffectiveVerdict ?? scan.Verdict;
        return Terminal.Sanitize(effective == scan.Verdict ? effective : $"{scan.Verdict}→{effective}");
    }

    /// <summary>The SLA due time, marked overdue when a pending version is past it.</summary>
    public static string SlaDue(VersionWire v, DateTimeOffset now)
    {
        var text = Time(v.SlaDueAt);
        return v.SlaDueAt is { } due && due < now && v.State is { } s && Pending.Contains(s) ? text + " (overdue)" : text;
    }

    /// <summary>Writes a table with a header row; columns are padded to the widest cell (the last is not).</summary>
    public static void WriteTable(TextWriter w, IReadOnlyList<string> header, IReadOnlyList<string[]> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        void Row(IReadOnlyList<string> cells) =>
            w.Write(string.Join("  ", cells.Select((c, i) => i == cells.Count - 1 ? c : c.PadRight(widths[i]))).TrimEnd() + "\n");
        Row(header);
        foreach (var r in rows) Row(r);
    }

    /// <summary>The detail of one version, as <c>status --version</c> prints it.</summary>
    public static void WriteDetail(TextWriter w, string app, VersionDetailWire detail, IReadOnlyList<TransitionWire> history, DateTimeOffset now)
    {
        var v = detail.Version ?? new VersionWire();
        w.Write($"{S(app)} {S(v.Version)}: {S(v.State)}\n");
        if (v.ArtifactDigest is not null)
            w.Write(string.Create(CultureInfo.InvariantCulture, $"  artifact:       {S(v.ArtifactName ?? "(unnamed)")}, {v.ArtifactSize:N0} bytes, {S(v.ArtifactDigest)}\n"));
        if (v.Reference is not null) w.Write($"  reference:      {S(v.Reference)}\n");
        if (v.ArtifactDigest is null && v.Reference is null) w.Write("  artifact:       (none)\n");
        if (v.SubmittedAt is not null) w.Write($"  submitted:      {Time(v.SubmittedAt)}, SLA due {SlaDue(v, now)}\n");
        if (v.AssignedReviewerId is not null) w.Write($"  reviewer:       {S(v.AssignedReviewerId)}\n");
        if (v.DecidedAt is not null) w.Write($"  decided:        {Time(v.DecidedAt)}\n");
        if (v.PublishedAt is not null) w.Write($"  published:      {Time(v.PublishedAt)}\n");

        if (detail.Scan is { } scan)
        {
            var verdict = scan.Verdict is null
                ? "no verdict yet"
                : $"verdict {S(scan.Verdict)}, after suppressions {S(scan.EffectiveVerdict ?? scan.Verdict)}";
            w.Write(string.Create(CultureInfo.InvariantCulture,
                $"  scan:           {S(scan.State)}, {verdict}; {scan.Findings} finding(s), {scan.Suppressed} suppressed, risk {scan.RiskScore}"));
            w.Write(scan.CompletedAt is null ? "\n" : $", completed {Time(scan.CompletedAt)}\n");
            var blocking = scan.Blocking ?? [];
            w.Write($"  blocking:       {(blocking.Count == 0 ? "none" : string.Join(", ", blocking.Select(S)))}\n");
            if (scan.Error is not null) w.Write($"  scan error:     {S(scan.Error)}\n");
        }
        else
        {
            w.Write("  scan:           none\n");
        }
        if (v.IncompleteScans > 0)
        {
            w.Write(string.Create(CultureInfo.InvariantCulture, $"  incomplete:     {v.IncompleteScans} scan(s) incomplete"));
            w.Write(v.NextScanAttemptAt is null ? "\n" : $"; next attempt {Time(v.NextScanAttemptAt)}\n");
        }

        if (detail.Questionnaire is { } q) WriteQuestionnaire(w, q, "  ");
        else w.Write("  questionnaire:  not answered\n");
        w.Write(v.AttestedAt is null ? "  attestation:    none\n" : $"  attestation:    {S(v.AttestationName)} ({Time(v.AttestedAt)})\n");

        var blockers = detail.SubmissionBlockers ?? [];
        if (blockers.Count > 0)
        {
            w.Write("submission blockers:\n");
            WriteGuards(w, blockers);
        }

        if (history.Count > 0)
        {
            w.Write("last transitions:\n");
            foreach (var t in history.Skip(Math.Max(0, history.Count - LastTransitions)))
            {
                var reasons = t.ReasonCodes is { Count: > 0 } r ? $" [{string.Join(", ", r.Select(S))}]" : "";
                var text = string.IsNullOrEmpty(t.Text) ? "" : ": " + S(t.Text);
                w.Write($"  {Time(t.At)}  {S(t.From)} → {S(t.To)}  {S(t.Action)} by {S(t.Actor)}{reasons}{text}\n");
            }
        }
    }

    /// <summary>The questionnaire's overall score, then every item that did not score <c>info</c>, with its message.</summary>
    public static void WriteQuestionnaire(TextWriter w, QuestionnaireWire q, string indent)
    {
        var items = q.Items ?? [];
        int Count(string score) => items.Count(i => i.Score == score);
        w.Write(string.Create(CultureInfo.InvariantCulture,
            $"{indent}questionnaire:  {S(q.Score)} ({S(q.AppType)} v{q.QuestionnaireVersion}: {Count("info")} info, {Count("warn")} warn, {Count("fail")} fail)\n"));
        foreach (var item in items.Where(i => i.Score is not "info"))
        {
            w.Write($"{indent}  {S(item.Score),-4}  {S(item.Id)} ({S(item.Requirement)}): {S(item.Message)}\n");
        }
        foreach (var error in q.Errors ?? []) w.Write($"{indent}  fail  {S(error)}\n");
    }

    /// <summary>One line per guard: <c>[code] message</c>.</summary>
    public static void WriteGuards(TextWriter w, IEnumerable<GuardInfo> guards)
    {
        foreach (var g in guards) w.Write($"  [{S(g.Code)}] {S(g.Message)}\n");
    }

    /// <summary>
    /// The exit code of a version that has left (or is stuck in) scanning, as <c>check</c> would give it:
    /// 0 in review or later with pass or review, 1 reject (or a reviewer said no), 3 incomplete. Null while it still scans.
    /// </summary>
    public static (int Code, string Summary)? Outcome(VersionDetailWire detail)
    {
        var v = detail.Version ?? new VersionWire();
        var verdict = detail.Scan?.EffectiveVerdict ?? detail.Scan?.Verdict;
        if (v.State is { } s && Scanning.Contains(s))
        {
            // An incomplete scan is retried later (NextScanAttemptAt); a CI job should not sit through the back-off.
            return v.NextScanAttemptAt is not null
                ? (ExitCodes.Incomplete, $"the scan was incomplete; retry {v.IncompleteScans} is due {Time(v.NextScanAttemptAt)}")
                : null;
        }
        return v.State switch
        {
            "changes-requested" or "rejected" or "quarantined" or "suspended" or "delisted" =>
                (ExitCodes.GateSaidNo, $"the version is {S(v.State)}"),
            "in-review" or "approved" or "published" => verdict switch
            {
                "reject" => (ExitCodes.GateSaidNo, $"the version is {S(v.State)}, but its scan verdict is reject"),
                "incomplete" => (ExitCodes.Incomplete, $"the version is {S(v.State)}, but its scan is incomplete"),
                null or "pass" or "review" => (ExitCodes.Ok, $"the version is {S(v.State)}{(verdict is null ? "" : $", scan verdict {verdict}")}"),
                _ => (ExitCodes.Incomplete, $"the version is {S(v.State)} with an unknown scan verdict '{S(verdict)}'"),
            },
            _ => (ExitCodes.Incomplete, $"the version is {S(v.State ?? "in an unknown state")}"),
        };
    }

    /// <summary>Writes a JSON document of the server as it came, indented.</summary>
    public static void WriteJson(TextWriter w, JsonElement document) => CliJson.Write(w, document);

    private static string S(string? text) => Terminal.Sanitize(text ?? "-");
}
