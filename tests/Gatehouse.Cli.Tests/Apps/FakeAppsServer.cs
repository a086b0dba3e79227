using System.Net;
using System.Text;
using System.Text.Json;
using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests.Apps;

/// <summary>
/// The /api/apps endpoints of a server for one app (<c>acme</c>) and one version (<c>1.2.0</c>), enough for
/// <c>submit</c> and <c>status</c>. Tests change its fields to make it answer differently; it records bodies.
/// </summary>
internal sealed class FakeAppsServer
{
    public const string App = "acme";
    public const string Version = "1.2.0";
    private const string VersionPath = "/api/apps/acme/versions/1.2.0";

    public bool VersionExists { get; set; }

    public string ExistingState { get; set; } = "draft";

    /// <summary>Guards the submit action fails with; empty: it succeeds.</summary>
    public List<object> Guards { get; } = [];

    public string QuestionnaireScore { get; set; } = "info";

    public List<object> QuestionnaireItems { get; } =
    [
        new { id = "Q-DL-1", answer = "yes", score = "info", requirement = "GH-FILE-1", message = "ok" },
    ];

    /// <summary>The version detail after submitting: state, scan verdicts and the incomplete retry.</summary>
    public string StateAfterSubmit { get; set; } = "scanning";

    public Func<object?> Scan { get; set; } = () => null;

    public DateTimeOffset? NextScanAttemptAt { get; set; }

    public bool Submitted { get; private set; }

    public Dictionary<string, string> Bodies { get; } = new(StringComparer.Ordinal);

    public string? ArtifactName { get; private set; }

    public FakeAppsServer(FakeApi api)
    {
        api.Route("/api/apps/acme", _ => FakeApi.JsonResponse(new
        {
            id = Guid.NewGuid(), organizationId = Guid.NewGuid(), slug = App, name = "Acme App", type = "downloadable", tier = "standard",
            baseUrl = (string?)null, createdAt = "2026-11-01T10:00:00Z",
        }));
        api.Route("/api/apps/acme/versions", r =>
        {
            if (r.Method == HttpMethod.Get) return FakeApi.JsonResponse(new[] { VersionInfo() });
            Bodies["create"] = Body(r);
            if (VersionExists) return FakeApi.Problem(HttpStatusCode.Conflict, "conflict", "Conflict");
            VersionExists = true;
            return FakeApi.JsonResponse(VersionInfo(), HttpStatusCode.Created);
        });
        api.Route(VersionPath, _ => FakeApi.JsonResponse(new
        {
            version = VersionInfo(),
            scan = Scan(),
            questionnaire = Questionnaire(),
            submissionBlockers = Submitted ? [] : Guards,
        }));
        api.Route(VersionPath + "/artifact", r =>
        {
            Bodies["artifact"] = Body(r);
            ArtifactName = Uri.UnescapeDataString(r.RequestUri!.Query.Replace("?name=", "", StringComparison.Ordinal));
            return FakeApi.JsonResponse(VersionInfo());
        });
        api.Route(VersionPath + "/answers", r =>
        {
            Bodies["answers"] = Body(r);
            Bodies["answers-content-type"] = r.Content!.Headers.ContentType!.MediaType!;
            return FakeApi.JsonResponse(Questionnaire());
        });
        api.Route(VersionPath + "/attestation", r =>
        {
            Bodies["attestation"] = Body(r);
            return FakeApi.JsonResponse(new
            {
                name = "Jane Doe, CTO", statement = "I, Jane Doe, CTO, attest on behalf of Acme that version 1.2.0 meets every requirement.",
                sha256 = new string('a', 64), attestedAt = "2026-11-29T17:00:00Z", catalogVersion = "2026.11",
            });
        });
        api.Route(VersionPath + "/actions", r =>
        {
            Bodies["actions"] = Body(r);
            if (Guards.Count > 0)
            {
                return new HttpResponseMessage(HttpStatusCode.Conflict)
                {
                    Content = new StringContent(JsonSerializer.Serialize(new
                    {
                        type = "https://gatehouse.test/problems/lifecycle.guard-failed", title = "A guard of this transition did not hold", status = 409,
                        detail = "…", code = "lifecycle.guard-failed", guards = Guards,
                    }, JsonSerializerOptions.Web), Encoding.UTF8, "application/problem+json"),
                };
            }
            Submitted = true;
            return FakeApi.JsonResponse(VersionInfo());
        });
        api.Route(VersionPath + "/history", _ => FakeApi.JsonResponse(Submitted
            ? new object[]
            {
                new { from = "draft", to = "submitted", action = "submit", reasonCodes = Array.Empty<string>(), text = (string?)null, actor = "u-42", at = "2026-11-29T17:01:00Z" },
                new { from = "submitted", to = "scanning", action = "scan-queued", reasonCodes = Array.Empty<string>(), text = (string?)null, actor = "system", at = "2026-11-29T17:01:00Z" },
            }
            : []));
    }

    private object Questionnaire() => new
    {
        appType = "downloadable", questionnaireVersion = 1, questionnaireDigest = "sha256:00", score = QuestionnaireScore,
        items = QuestionnaireItems, errors = Array.Empty<string>(),
    };

    private object VersionInfo() => new
    {
        id = Guid.NewGuid(), app = App, version = Version,
        state = Submitted ? StateAfterSubmit : ExistingState,
        artifactDigest = ArtifactName is null ? null : "sha256:" + new string('b', 64), artifactName = ArtifactName,
        artifactSize = Bodies.TryGetValue("artifact", out var a) ? a.Length : 0, reference = (string?)null,
        currentScanId = Submitted ? Guid.NewGuid() : (Guid?)null, incompleteScans = NextScanAttemptAt is null ? 0 : 1,
        nextScanAttemptAt = NextScanAttemptAt, submittedAt = Submitted ? "2026-11-29T17:01:00Z" : null,
        slaDueAt = Submitted ? "2026-12-01T17:01:00Z" : null, createdAt = "2026-11-29T16:00:00Z",
    };

    public static object ScanResult(string verdict, string effective, params string[] blocking) => new
    {
        id = Guid.NewGuid(), state = "done", verdict, effectiveVerdict = effective, findings = blocking.Length + 1, suppressed = 0,
        blocking, riskScore = 40, completedAt = "2026-11-29T17:02:00Z", error = (string?)null,
    };

    private static string Body(HttpRequestMessage r) => r.Content is null ? "" : r.Content.ReadAsStringAsync().GetAwaiter().GetResult();
}
