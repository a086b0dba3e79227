namespace Gatehouse.Server.Audit;

/// <summary>
/// Stable reason codes of recorded security refusals (<c>docs/audit.md#security-refusals</c>). Each becomes
/// the audit action <c>security.refused.&lt;reason&gt;</c> and the <c>reason</c> tag of <c>gatehouse.security.refused</c>.
/// </summary>
internal static class RefusalReasons
{
    /// <summary>Answered 404 because the caller may not see the organisation (or the app) the request names.</summary>
    public const string OrgNotVisible = "org.not-visible";
    /// <summary>A signed download URL that was altered, malformed, signed with an unknown key or too far ahead.</summary>
    public const string DownloadBadSignature = "download.bad-signature";
    /// <summary>A valid download URL bound to another client address.</summary>
    public const string DownloadWrongClient = "download.wrong-client";
    /// <summary><c>invalid_client</c> at the OAuth token endpoint.</summary>
    public const string OAuthInvalidClient = "oauth.invalid-client";
    /// <summary><c>invalid_grant</c> at the OAuth token endpoint.</summary>
    public const string OAuthInvalidGrant = "oauth.invalid-grant";
    /// <summary>A presented API key (<c>ghk_…</c>) was refused.</summary>
    public const string ApiKeyRefused = "apikey.refused";
    /// <summary>A presented personal access token was refused.</summary>
    public const string PatRefused = "pat.refused";
    /// <summary>A signed-in caller was refused by an authorization policy for who they are (403).</summary>
    public const string AuthForbidden = "auth.forbidden";
    /// <summary>A signed-in caller was refused by an authorization policy for a missing token scope (403).</summary>
    public const string AuthInsufficientScope = "auth.insufficient-scope";
    /// <summary>The entry that folds every (actor, reason) beyond <see cref="SecurityRefusalsOptions.MaxKeysPerWindow"/>.</summary>
    public const string Overflow = "overflow";

    /// <summary>Every reason a caller may record (the overflow entry is the aggregator's own).</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        OrgNotVisible, DownloadBadSignature, DownloadWrongClient, OAuthInvalidClient, OAuthInvalidGrant,
        ApiKeyRefused, PatRefused, AuthForbidden, AuthInsufficientScope,
    };
}

/// <summary>One (actor, reason) over one window: what becomes one <c>security.refused.*</c> audit entry.</summary>
/// <param name="Actor">User id, <c>apikey:ID</c>, <c>client:ID</c>, or <c>anonymous</c> (then <paramref name="Address"/> names the caller).</param>
/// <param name="Address">The client address the key was counted under (anonymous actors), else the first address seen.</param>
/// <param name="OtherSubjects">Refusals whose subject is not in <paramref name="Subjects"/> (the sample is bounded).</param>
/// <param name="Reasons">Overflow entry only: refusals per reason folded into it.</param>
public sealed record RefusalSummary(
    string Reason,
    string Actor,
    string? Address,
    long Count,
    DateTimeOffset WindowStart,
    DateTimeOffset First,
    DateTimeOffset Last,
    IReadOnlyList<string> Subjects,
    long OtherSubjects,
    IReadOnlyList<string> Addresses,
    IReadOnlyDictionary<string, long>? Reasons = null);

/// <summary>
/// Counts refusals in memory per (actor, reason) and window, so a flood of refused requests costs one audit
/// entry per actor, reason and window instead of one per request (the chain is append-only and must not be
/// floodable). Memory is bounded: at most <see cref="SecurityRefusalsOptions.MaxKeysPerWindow"/> keys per
/// window, each with bounded samples of clipped strings; anything beyond folds into one overflow tally.
/// Thread-safe; <see cref="Add"/> is O(1) and touches no I/O.
/// </summary>
public sealed class RefusalAggregator(TimeProvider time, SecurityRefusalsOptions options)
{
    /// <summary>Longest actor, subject or address kept (they can be attacker-chosen: paths, client ids).</summary>
    public const int MaxFieldLength = 200;

    private readonly Lock _gate = new();
    private Bucket _current = new(time.GetUtcNow());

    /// <summary>Counts one refusal. For an anonymous actor the address is part of the key (one entry per caller address).</summary>
    public void Add(string reason, string actor, string? address, string? subject)
    {
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentNullException.ThrowIfNull(actor);
        var now = time.GetUtcNow();
        actor = Clip(actor)!;
        address = Clip(address);
        subject = Clip(subject);
        var key = new Key(reason, actor, actor == "anonymous" ? address : null);
        lock (_gate)
        {
            var b = _current;
            if (!b.Tallies.TryGetValue(key, out var tally))
            {
                if (b.Tallies.Count >= options.MaxKeysPerWindow)
                {
                    // Fold: one counter per reason (a fixed set) and a sample of who was folded.
                    b.Overflow ??= new Tally(now);
                    b.Overflow.Add(actor + " " + reason, address, now, options.MaxSamples);
                    b.OverflowReasons[reason] = b.OverflowReasons.GetValueOrDefault(reason) + 1;
                    return;
                }
                tally = new Tally(now);
                b.Tallies[key] = tally;
            }
            tally.Add(subject, address, now, options.MaxSamples);
        }
    }

    /// <summary>
    /// Closes the current window when it has lasted <see cref="SecurityRefusalsOptions.Window"/> (or at once when
    /// <paramref name="force"/>, on shutdown) and returns its summaries; nothing when the window is still open.
    /// </summary>
    public IReadOnlyList<RefusalSummary> TakeDue(bool force = false)
    {
        var now = time.GetUtcNow();
        Bucket closed;
        lock (_gate)
        {
            if (!force && now - _current.Start < options.Window) return [];
            closed = _current;
            _current = new Bucket(now);
        }
        var result = closed.Tallies
            .OrderBy(kv => kv.Value.First)
            .Select(kv => kv.Value.Summarize(kv.Key.Reason, kv.Key.Actor, kv.Key.Address ?? kv.Value.Addresses.FirstOrDefault(), closed.Start))
            .ToList();
        if (closed.Overflow is { } o)
            result.Add(o.Summarize(RefusalReasons.Overflow, "anonymous", null, closed.Start) with { Reasons = closed.OverflowReasons });
        return result;
    }

    /// <summary>How many (actor, reason) keys the open window holds (for tests and diagnostics).</summary>
    public int OpenKeys
    {
        get { lock (_gate) return _current.Tallies.Count; }
    }

    private static string? Clip(string? s) => s is null || s.Length <= MaxFieldLength ? s : s[..MaxFieldLength] + "…";

    private readonly record struct Key(string Reason, string Actor, string? Address);

    private sealed class Bucket(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;
        public Dictionary<Key, Tally> Tallies { get; } = [];
        public Tally? Overflow { get; set; }
        public Dictionary<string, long> OverflowReasons { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Tally(DateTimeOffset first)
    {
        private long _count;
        private long _otherSubjects;
        private DateTimeOffset _last = first;
        private readonly List<string> _subjects = [];
        public List<string> Addresses { get; } = [];
        public DateTimeOffset First { get; } = first;

        public void Add(string? subject, string? address, DateTimeOffset now, int maxSamples)
        {
            _count++;
            _last = now;
            if (subject is not null && !_subjects.Contains(subject))
            {
                if (_subjects.Count < maxSamples) _subjects.Add(subject);
                else _otherSubjects++;
            }
            if (address is not null && Addresses.Count < maxSamples && !Addresses.Contains(address)) Addresses.Add(address);
        }

        public RefusalSummary Summarize(string reason, string actor, string? address, DateTimeOffset windowStart) =>
            new(reason, actor, address, _count, windowStart, First, _last, [.. _subjects], _otherSubjects, [.. Addresses]);
    }
}
