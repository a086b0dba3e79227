using System.Globalization;
using System.Web;
using Gatehouse.Analysis.Audit;

namespace Gatehouse.Cli.Tests.TestSupport;

/// <summary>Builds real, sealed audit chains and serves them the way <c>GET /api/audit</c> pages them.</summary>
internal static class AuditLogBuilder
{
    public static List<AuditEntryData> Chain(int count)
    {
        var entries = new List<AuditEntryData>(count);
        var previous = AuditChain.GenesisHash;
        for (var i = 1; i <= count; i++)
        {
            var entry = AuditChain.Seal(new AuditEntryData(
                Sequence: i,
                AtUnixMs: 1_767_225_600_000 + i * 1000L,
                Actor: i % 3 == 0 ? "system" : "user-" + (i % 5).ToString(CultureInfo.InvariantCulture),
                Action: i % 2 == 0 ? "auth.login.succeeded" : "version.submitted",
                OrganizationId: i % 4 == 0 ? "org-acme" : null,
                Subject: i % 2 == 0 ? "token-" + i.ToString(CultureInfo.InvariantCulture) : null,
                ClientAddress: "203.0.113." + (i % 250).ToString(CultureInfo.InvariantCulture),
                Data: "{\"n\":" + i.ToString(CultureInfo.InvariantCulture) + "}",
                PreviousHash: previous,
                Hash: ""));
            entries.Add(entry);
            previous = entry.Hash;
        }
        return entries;
    }

    /// <summary>
    /// Serves <paramref name="entries"/> at <c>/api/audit</c>, honouring <c>after</c> and <c>limit</c>, and at
    /// <c>/api/audit/gaps</c> a server whose state has every entry (change it with <see cref="ServeGaps"/>).
    /// </summary>
    public static FakeApi ServeAudit(this FakeApi api, IReadOnlyList<AuditEntryData> entries) =>
        api.ServeGaps(0).Route("/api/audit", request =>
        {
            var query = HttpUtility.ParseQueryString(request.RequestUri!.Query);
            var after = long.Parse(query["after"] ?? "0", CultureInfo.InvariantCulture);
            var limit = int.Parse(query["limit"] ?? "100", CultureInfo.InvariantCulture);
            // Position by index, not by sequence, so a log with a deleted entry pages like a real one.
            var start = 0;
            while (start < entries.Count && entries[start].Sequence <= after) start++;
            var page = entries.Skip(start).Take(limit).ToList();
            long? next = start + page.Count < entries.Count ? page[^1].Sequence : null;
            return FakeApi.JsonResponse(new { entries = page, next });
        });

    /// <summary>Serves <c>/api/audit/gaps</c>: <paramref name="count"/> gaps in all, <paramref name="listed"/> of them listed.</summary>
    public static FakeApi ServeGaps(this FakeApi api, int count, params object[] listed) =>
        api.Json("/api/audit/gaps", new { gapCount = count, gaps = listed });

    /// <summary>A gap as the server lists it.</summary>
    public static object Gap(string kind, string subject, string action, string detail) =>
        new { kind, subject, action, at = DateTimeOffset.Parse("2026-12-01T10:00:00Z", CultureInfo.InvariantCulture), detail };
}
