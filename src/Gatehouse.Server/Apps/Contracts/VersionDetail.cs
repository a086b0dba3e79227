using System.Text.Json;

namespace Gatehouse.Server.Apps;

public sealed record VersionDetail(VersionInfo Version, VersionScanInfo? Scan, JsonElement? Questionnaire, IReadOnlyList<GuardFailure> SubmissionBlockers);
