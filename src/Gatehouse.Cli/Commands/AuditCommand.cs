using System.CommandLine;
using System.Globalization;
using Gatehouse.Analysis.Audit;
using Gatehouse.Cli.Config;
using Gatehouse.Cli.Http;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse audit verify</c>: downloads the whole audit log page by page and recomputes the hash chain
/// locally with <see cref="AuditChain"/>, so a server (or database) that was tampered with cannot vouch for itself.
/// Then it asks the server which state changes have no audit entry (<c>GET /api/audit/gaps</c>): only the server
/// can compare its state with the chain.
/// </summary>
internal static class AuditCommand
{
    public const int DefaultPageSize = 1000;
    public const int MaxPageSize = 10_000;
    private const int ProgressEvery = 10_000;

    /// <summary>The SARIF rules, one per <see cref="ChainBreak.Code"/>.</summary>
    internal static readonly IReadOnlyList<SarifRule> Rules =
    [
        new("audit.gap", "Audit entries are missing or out of order (deleted entries)."),
        new("audit.previous-mismatch", "An audit entry does not link to the hash of the entry before it (entries removed or reordered)."),
        new("audit.hash-mismatch", "An audit entry's content does not match its stored hash (the entry was altered)."),
        new("audit.head-mismatch", "A head recorded earlier is missing or different (the log was truncated or rewritten)."),
        new(UnauditedRule, "A state change (transition, decision, upload, token, key) has no audit entry."),
    ];

    /// <summary>The SARIF rule of a state change without an audit entry.</summary>
    internal const string UnauditedRule = "audit.unaudited-change";

    public static Command Create(CliEnvironment env)
    {
        var expectHead = new Option<AuditAnchor?>("--expect-head")
        {
            Description = "A head recorded earlier (SEQ:HASH, as printed by a previous verify) that must still be in the chain; detects truncation.",
            HelpName = "seq:hash",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (AuditAnchor.TryParse(text, out var anchor)) return anchor;
                result.AddError($"--expect-head: '{text}' is not SEQ:HASH (a positive sequence number, a colon and 64 hex digits)");
                return null;
            },
        };
        var pageSize = new Option<int>("--page-size")
        {
            Description = $"Entries per request (1..{MaxPageSize}).",
            HelpName = "n",
            DefaultValueFactory = _ => DefaultPageSize,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxPageSize) return n;
                result.AddError($"--page-size: '{text}' is not a number between 1 and {MaxPageSize}");
                return DefaultPageSize;
            },
        };
        var noGaps = new Option<bool>("--no-gaps")
        {
            Description = "Check the hash chain only; skip asking the server for state changes without an audit entry.",
        };
        var format = OutputFormatOption.Create();

        var verify = new Command("verify", "Download the audit log and verify its hash chain locally; then list state changes the server holds without an audit entry.")
            { expectHead, pageSize, noGaps, format };
        verify.SetAction(CliApp.Guard(env, (pr, ct) =>
            VerifyAsync(env, pr.GetValue(expectHead), pr.GetValue(pageSize), !pr.GetValue(noGaps), pr.GetValue(format), ct)));

        return new Command("audit", "Work with the server's tamper-evident audit log.") { verify };
    }

    private static async Task<int> VerifyAsync(CliEnvironment env, AuditAnchor? anchor, int pageSize, bool gaps, OutputFormat format, CancellationToken ct)
    {
        var config = ConfigStore.LoadRequired(env);
        using var api = new GatehouseApi(env, config.Server, config.Token, config.CaCert);
        var verifier = AuditChain.CreateVerifier();
        // CheckAnchor wants sequence -> hash of what was seen; only the anchored sequence matters, so
        // only it is kept (the log may have millions of entries).
        var seen = new Dictionary<long, string>();
        var progress = new Progress(env);

        long after = 0;
        while (verifier.Break is null)
        {
            var page = await api.GetJsonAsync<AuditPageResponse>(
                string.Create(CultureInfo.InvariantCulture, $"api/audit?after={after}&limit={pageSize}"), ct);
            if (page.Entries is null)
                throw new CliException(ExitCodes.Incomplete, CliErrorCodes.BadResponse, "unexpected response to GET /api/audit: no 'entries'");

            foreach (var wire in page.Entries)
            {
                var entry = wire.ToEntry();
                if (!verifier.Add(entry)) break;
                if (anchor is not null && entry.Sequence == anchor.Sequence) seen[entry.Sequence] = entry.Hash;
                progress.Report(verifier.Verified);
            }

            if (verifier.Break is not null || page.Next is null) break;
            if (page.Next <= after)
            {
                throw new CliException(ExitCodes.Incomplete, CliErrorCodes.BadResponse,
                    $"unexpected response to GET /api/audit: 'next' ({page.Next}) does not advance past 'after' ({after})");
            }
            after = page.Next.Value;
        }
        progress.Done();

        if (anchor is not null && verifier.Break is null) verifier.CheckAnchor(anchor.Sequence, anchor.Hash, seen);

        var chainBreak = verifier.Break;
        // Asked even when the chain is broken: what the state says happened but the log never recorded is worth
        // knowing either way. A server that cannot answer makes the whole check incomplete (exit 3), never a pass.
        var unaudited = gaps ? await GapsAsync(api, ct) : null;
        Write(env, format, verifier, chainBreak, anchor, unaudited);
        if (chainBreak is not null) return ExitCodes.GateSaidNo;
        return unaudited is { GapCount: > 0 } ? ExitCodes.UnauditedChanges : ExitCodes.Ok;
    }

    private static async Task<AuditGapsResponse> GapsAsync(GatehouseApi api, CancellationToken ct)
    {
        var report = await api.GetJsonAsync<AuditGapsResponse>("api/audit/gaps", ct);
        if (report.GapCount is not { } count || count < 0 || report.Gaps is null || report.Gaps.Count > count)
            throw new CliException(ExitCodes.Incomplete, CliErrorCodes.BadResponse, "unexpected response to GET /api/audit/gaps: no valid 'gapCount' and 'gaps'");
        return report;
    }

    private static void Write(CliEnvironment env, OutputFormat format, ChainVerifier verifier, ChainBreak? chainBreak, AuditAnchor? anchor,
        AuditGapsResponse? unaudited)
    {
        var gaps = unaudited?.Gaps ?? [];
        switch (format)
        {
            case OutputFormat.Json:
                CliJson.Write(env.Out, new AuditVerifyReport(
                    chainBreak is null, verifier.Verified, verifier.HeadSequence, verifier.HeadHash,
                    chainBreak is null ? null : new AuditBreakReport(chainBreak.Sequence, chainBreak.Code, chainBreak.Message),
                    chainBreak is null && unaudited?.GapCount is null or 0, unaudited?.GapCount, unaudited?.Gaps));
                break;

            case OutputFormat.Sarif:
                var results = new List<SarifResult>();
                if (chainBreak is not null)
                    results.Add(new SarifResult(chainBreak.Code, SarifLevel.Error, chainBreak.Message,
                        [new SarifLocation(LogicalName: $"audit/{chainBreak.Sequence}", LogicalKind: "object")]));
                results.AddRange(gaps.Select(g => new SarifResult(UnauditedRule, SarifLevel.Error,
                    $"{g.Kind} {g.Subject} at {g.At:O} has no {g.Action} audit entry: {g.Detail}",
                    [new SarifLocation(LogicalName: $"{g.Kind}/{g.Subject}", LogicalKind: "object")])));
                SarifWriter.Write(env.Out, CliVersion.Value, Rules, results);
                break;

            default:
                if (chainBreak is null)
                {
                    env.Out.Write($"audit chain intact: {verifier.Verified} entries, head #{verifier.HeadSequence} {Terminal.Sanitize(verifier.HeadHash)}\n");
                    if (anchor is not null) env.Out.Write($"  expected head #{anchor.Sequence} is present and unchanged\n");
                }
                else
                {
                    env.Out.Write($"audit chain BROKEN at entry #{chainBreak.Sequence} [{chainBreak.Code}]: {Terminal.Sanitize(chainBreak.Message)}\n");
                    env.Out.Write($"  {verifier.Verified} entries verified before the break; last good entry #{verifier.HeadSequence} {Terminal.Sanitize(verifier.HeadHash)}\n");
                }
                if (unaudited is not null) WriteGaps(env, chainBreak is null, unaudited.GapCount!.Value, gaps);
                break;
        }
    }

    private static void WriteGaps(CliEnvironment env, bool intact, int count, IReadOnlyList<AuditGapWire> gaps)
    {
        if (count == 0)
        {
            env.Out.Write(intact ? "chain ok, no state change without an audit entry\n" : "no state change without an audit entry\n");
            return;
        }
        var changes = count == 1 ? "1 state change" : $"{count} state changes";
        env.Out.Write(intact ? $"chain ok, {changes} without an audit entry:\n" : $"{changes} without an audit entry:\n");
        foreach (var g in gaps)
        {
            var at = g.At.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            env.Out.Write($"  {Terminal.Sanitize(g.Kind)} {Terminal.Sanitize(g.Subject)} {at}: no {Terminal.Sanitize(g.Action)} entry ({Terminal.Sanitize(g.Detail)})\n");
        }
        if (gaps.Count < count) env.Out.Write($"  … and {count - gaps.Count} more (the server lists the oldest {gaps.Count})\n");
    }

    /// <summary>Progress on stderr, only when it is a terminal (logs in CI stay clean).</summary>
    private sealed class Progress(CliEnvironment env)
    {
        private int _lastLength;

        public void Report(long verified)
        {
            if (!env.ErrorIsTerminal || verified % ProgressEvery != 0) return;
            var text = string.Create(CultureInfo.InvariantCulture, $"verifying audit chain: {verified:N0} entries");
            _lastLength = text.Length;
            env.Err.Write("\r" + text);
        }

        public void Done()
        {
            if (_lastLength > 0) env.Err.Write("\r" + new string(' ', _lastLength) + "\r");
        }
    }
}
