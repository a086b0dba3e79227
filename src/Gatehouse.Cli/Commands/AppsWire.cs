using System.Text.Json;
using Gatehouse.Cli.Http;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

// What the CLI reads from /api/apps/...: the server's AppInfo, VersionInfo, VersionDetail, QuestionnaireResult,
// AttestationInfo and TransitionInfo (src/Gatehouse.Server/Apps/Contracts/). Only what the table output shows
// is modelled; --format json prints the server's documents unchanged. Everything is nullable: the server is
// another program and a missing member must not crash the CLI.

/// <summary>The body of <c>GET /api/apps/{app}</c>.</summary>
internal sealed class AppWire
{
    public string? Slug { get; init; }

    public string? Name { get; init; }

    public string? Type { get; init; }

    public string? Tier { get; init; }
}

/// <summary>A version as listed by <c>GET /api/apps/{app}/versions</c> and returned by its actions.</summary>
internal sealed class VersionWire
{
    public string? Version { get; init; }

    public string? State { get; init; }

    public string? ArtifactDigest { get; init; }

    public string? ArtifactName { get; init; }

    public long ArtifactSize { get; init; }

    public string? Reference { get; init; }

    public string? AttestationName { get; init; }

    public DateTimeOffset? AttestedAt { get; init; }

    public Guid? CurrentScanId { get; init; }

    public int IncompleteScans { get; init; }

    public DateTimeOffset? NextScanAttemptAt { get; init; }

    public DateTimeOffset? SubmittedAt { get; init; }

    public DateTimeOffset? SlaDueAt { get; init; }

    public string? AssignedReviewerId { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public DateTimeOffset? PublishedAt { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>The body of <c>GET /api/apps/{app}/versions/{version}</c>.</summary>
internal sealed class VersionDetailWire
{
    public VersionWire? Version { get; init; }

    public ScanWire? Scan { get; init; }

    public QuestionnaireWire? Questionnaire { get; init; }

    public IReadOnlyList<GuardInfo>? SubmissionBlockers { get; init; }
}

/// <summary>The version's current scan, with the verdict after suppressions (<c>effectiveVerdict</c>).</summary>
internal sealed class ScanWire
{
    public string? State { get; init; }

    public string? Verdict { get; init; }

    public string? EffectiveVerdict { get; init; }

    public int Findings { get; init; }

    public int Suppressed { get; init; }

    public IReadOnlyList<string>? Blocking { get; init; }

    public int RiskScore { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public string? Error { get; init; }
}

/// <summary>A scored questionnaire (<c>PUT …/answers</c>, and <c>questionnaire</c> in the version detail).</summary>
internal sealed class QuestionnaireWire
{
    public string? AppType { get; init; }

    public int QuestionnaireVersion { get; init; }

    public string? Score { get; init; }

    public IReadOnlyList<QuestionnaireItemWire>? Items { get; init; }

    public IReadOnlyList<string>? Errors { get; init; }
}

/// <summary>The score of one answer.</summary>
internal sealed class QuestionnaireItemWire
{
    public string? Id { get; init; }

    public string? Answer { get; init; }

    public string? Score { get; init; }

    public string? Requirement { get; init; }

    public string? Message { get; init; }
}

/// <summary>The body of <c>POST …/attestation</c>.</summary>
internal sealed class AttestationWire
{
    public string? Name { get; init; }

    public string? Statement { get; init; }

    public string? Sha256 { get; init; }

    public DateTimeOffset? AttestedAt { get; init; }

    public string? CatalogVersion { get; init; }
}

/// <summary>One entry of <c>GET …/history</c>.</summary>
internal sealed class TransitionWire
{
    public string? From { get; init; }

    public string? To { get; init; }

    public string? Action { get; init; }

    public IReadOnlyList<string>? ReasonCodes { get; init; }

    public string? Text { get; init; }

    public string? Actor { get; init; }

    public DateTimeOffset? At { get; init; }
}

/// <summary>Reads a server document kept as <see cref="JsonElement"/> (to print unchanged) into its typed view.</summary>
internal static class Wire
{
    public static T Read<T>(JsonElement element, string what)
    {
        try
        {
            return element.Deserialize<T>(CliJson.Input) ?? throw new JsonException("the body is null");
        }
        catch (JsonException ex)
        {
            throw new CliException(ExitCodes.Incomplete, CliErrorCodes.BadResponse, $"unexpected response to {what}: {ex.Message}", null, ex);
        }
    }
}
