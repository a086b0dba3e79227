using System.Text.Json;

namespace Gatehouse.Server.Apps;

internal sealed record VersionDetail(VersionInfo Version, VersionScanInfo? Scan, JsonElement? Questionnaire, IReadOnlyList<GuardFailure> SubmissionBlockers);
