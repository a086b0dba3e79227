namespace Gatehouse.Server.Apps;

internal sealed record VersionScanInfo(Guid Id, string State, string? Verdict, string? EffectiveVerdict, int Findings, int Suppressed,
    IReadOnlyList<string> Blocking, int RiskScore, DateTimeOffset? CompletedAt, string? Error);
