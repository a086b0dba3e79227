namespace Gatehouse.Server.Apps;

internal sealed record VersionFindingsInfo(Guid ScanId, string? Verdict, string EffectiveVerdict, int RiskScore, IReadOnlyList<VersionFindingInfo> Findings);
