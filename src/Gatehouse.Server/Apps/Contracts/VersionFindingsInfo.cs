namespace Gatehouse.Server.Apps;

public sealed record VersionFindingsInfo(Guid ScanId, string? Verdict, string EffectiveVerdict, int RiskScore, IReadOnlyList<VersionFindingInfo> Findings);
