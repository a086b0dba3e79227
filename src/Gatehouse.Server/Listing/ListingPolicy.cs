using System.Text.Json;
using System.Text.Json.Serialization;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Server.Listing;

/// <summary>
/// The listing policy: tiers and what each requires, what blocks, how often published versions are
/// scanned again. Stored versioned (<see cref="ListingPolicyVersion"/>); <c>docs/lifecycle.md</c> documents every key.
/// </summary>
public sealed record ListingPolicy
{
    /// <summary>Evidence types a tier may require: the engine's, plus <c>other</c>, which the evidence vault also accepts.</summary>
    private static readonly HashSet<string> KnownEvidenceTypes = [.. Gatehouse.Analysis.Requirements.EvidenceTypes.All, "other"];

    /// <summary>Listing tiers by name (at least one; <c>standard</c> by default).</summary>
    public IReadOnlyDictionary<string, TierPolicy> Tiers { get; init; } = new Dictionary<string, TierPolicy>(StringComparer.Ordinal)
    {
        ["standard"] = new TierPolicy { Priority = 1, ReviewSlaHours = 120 },
        ["enterprise"] = new TierPolicy
        {
            Priority = 2, ReviewSlaHours = 48,
            RequiredEvidence =
            [
                new EvidenceRequirement { AnyOf = ["iso27001", "soc2-type2"] },
                new EvidenceRequirement { AnyOf = ["pentest-letter"], MaxAgeDays = 365 },
            ],
        },
    };

    /// <summary>Days before an evidence item's expiry when the organisation is warned (default 30).</summary>
    public int EvidenceExpiryWarningDays { get; init; } = 30;

    /// <summary>Days between rescans of a published version (default 30).</summary>
    public int RescanCadenceDays { get; init; } = 30;

    /// <summary>Incomplete scans are retried after these delays (minutes); after the last the version goes to review flagged incomplete.</summary>
    public IReadOnlyList<int> ScanRetryMinutes { get; init; } = [5, 30, 120];

    /// <summary>
    /// The engine policy for version scans (same keys as <c>gatehouse check --policy</c>): allowed file
    /// types, required engines, which severities reject or need review. Null: the server's engine policy.
    /// </summary>
    public Policy? Analysis { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter() },
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
    };

    /// <summary>Parses and validates; every problem is named (unknown keys included).</summary>
    public static ListingPolicy Parse(string json)
    {
        var policy = JsonSerializer.Deserialize<ListingPolicy>(json, Json) ?? throw new JsonException("the listing policy is empty");
        var problems = policy.Validate();
        return problems.Count == 0 ? policy : throw new JsonException("the listing policy is not valid: " + string.Join("; ", problems));
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Tiers.Count == 0) problems.Add("tiers must name at least one tier");
        foreach (var (name, tier) in Tiers)
        {
            if (name.Length is 0 or > 40 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
                problems.Add($"tier name '{name}' must be 1-40 lower-case letters, digits or dashes");
            if (tier.ReviewSlaHours <= 0) problems.Add($"tiers.{name}.reviewSlaHours must be positive");
            foreach (var req in tier.RequiredEvidence)
            {
                if (req.AnyOf.Count == 0) problems.Add($"tiers.{name}.requiredEvidence: anyOf must name at least one evidence type");
                foreach (var t in req.AnyOf)
                    if (!KnownEvidenceTypes.Contains(t)) problems.Add($"tiers.{name}.requiredEvidence: unknown evidence type '{t}'");
                if (req.MaxAgeDays is <= 0) problems.Add($"tiers.{name}.requiredEvidence: maxAgeDays must be positive");
            }
        }
        if (EvidenceExpiryWarningDays < 0) problems.Add("evidenceExpiryWarningDays must not be negative");
        if (RescanCadenceDays <= 0) problems.Add("rescanCadenceDays must be positive");
        if (ScanRetryMinutes.Any(m => m <= 0)) problems.Add("scanRetryMinutes must be positive");
        if (Analysis is not null) problems.AddRange(PolicyFile.Validate(Analysis).Select(p => "analysis." + p));
        return problems;
    }
}

/// <summary>What one listing tier requires.</summary>
public sealed record TierPolicy
{
    /// <summary>Queue priority: higher is reviewed first.</summary>
    public int Priority { get; init; }
    /// <summary>Hours from submission to a decision (the SLA clock).</summary>
    public int ReviewSlaHours { get; init; } = 120;
    /// <summary>Each entry must be met by verified, unexpired evidence of one of its types.</summary>
    public IReadOnlyList<EvidenceRequirement> RequiredEvidence { get; init; } = [];
    /// <summary>Submissions need the vendor's valid signature over the artifact (docs/signing.md#vendor-signatures).</summary>
    public bool RequireVendorSignature { get; init; }
}

/// <summary>One evidence requirement: any of the types, verified and valid; optionally not older than <see cref="MaxAgeDays"/>.</summary>
public sealed record EvidenceRequirement
{
    public IReadOnlyList<string> AnyOf { get; init; } = [];
    /// <summary>The evidence's <c>validFrom</c> (e.g. the date of the pen test) must be within this many days.</summary>
    public int? MaxAgeDays { get; init; }
}
