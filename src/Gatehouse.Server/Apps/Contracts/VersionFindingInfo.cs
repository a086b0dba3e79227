namespace Gatehouse.Server.Apps;

internal sealed record VersionFindingInfo(string RuleId, string Severity, string Path, string Message, string Fingerprint, string? RequirementId,
    string? Evidence, int? Line, SuppressedInfo? Suppressed);
