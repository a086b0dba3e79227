using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Scanning;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Bench.Cluster;

/// <summary>The result line and whether everything held.</summary>
internal sealed record CheckResult(bool Ok, string Line);

/// <summary>
/// What must hold after the run, read from the database, the bucket and the audit endpoint:
/// <list type="bullet">
/// <item>each submission reached exactly one final verdict: the version is in review after exactly one
/// <c>scan-completed</c> transition, its scans that finished are its one final scan plus one per <c>scan-retry</c>, and
/// every finished scan was stored once (one <c>scan.completed</c> audit entry, never two from two workers);</item>
/// <item>no blob lost: every version's artifact is in the bucket and its bytes hash to its digest;</item>
/// <item>none duplicated: no object in the bucket that no row references, no two upload records of one organisation and
/// digest, no two versions of the run with one artifact (each was made unique);</item>
/// <item>the audit chain verifies (<c>GET /api/audit/verify</c>: intact, and no state change without its entry).</item>
/// </list>
/// </summary>
internal sealed class ClusterChecks(ClusterSettings settings, ClusterSeed world, Progress log)
{
    public async Task<CheckResult> RunAsync(int submitted, Disruption disruption)
    {
        await using var db = settings.OpenDb();
        var versions = await db.AppVersions.AsNoTracking().Where(v => v.AppId == world.AppId)
            .Select(v => new { v.Id, v.Version, v.State, v.ArtifactDigest, v.CurrentScanId }).ToListAsync();
        var transitions = await db.VersionTransitions.AsNoTracking().Where(t => t.AppId == world.AppId)
            .GroupBy(t => new { t.AppVersionId, t.Action }).Select(g => new { g.Key.AppVersionId, g.Key.Action, Count = g.Count() }).ToListAsync();
        var ids = versions.Select(v => v.Id).ToList();
        var scans = await db.Scans.AsNoTracking().Where(s => s.Purpose == ScanPurposes.Submission && s.SubjectId != null && ids.Contains(s.SubjectId.Value))
            .Select(s => new { s.Id, s.SubjectId, s.State, s.Verdict, s.WorkItemId }).ToListAsync();
        var scanIds = scans.Select(s => s.Id.ToString()).ToList();
        var stored = await db.AuditEntries.AsNoTracking().Where(a => a.Action == AuditActions.ScanCompleted && a.Subject != null && scanIds.Contains(a.Subject))
            .GroupBy(a => a.Subject!).Select(g => new { Scan = g.Key, Count = g.Count() }).ToListAsync();
        var storedCount = stored.ToDictionary(s => s.Scan, s => s.Count, StringComparer.Ordinal);
        int Count(Guid version, string action) => transitions.FirstOrDefault(t => t.AppVersionId == version && t.Action == action)?.Count ?? 0;

        var exactlyOnce = 0;
        foreach (var v in versions)
        {
            var own = scans.Where(s => s.SubjectId == v.Id).ToList();
            var finished = own.Where(s => s.State is ScanState.Done or ScanState.Failed).ToList();
            var problems = new List<string>();
            if (v.State != VersionStates.InReview) problems.Add($"state {v.State}");
            if (Count(v.Id, Lifecycle.Actions.ScanCompleted) != 1) problems.Add($"{Count(v.Id, Lifecycle.Actions.ScanCompleted)} scan-completed transitions");
            if (finished.Count != 1 + Count(v.Id, Lifecycle.Actions.ScanRetry)) problems.Add($"{finished.Count} finished scans, {Count(v.Id, Lifecycle.Actions.ScanRetry)} retries");
            if (own.FirstOrDefault(s => s.Id == v.CurrentScanId) is not { Verdict: not null }) problems.Add("its current scan has no verdict");
            foreach (var s in finished.Where(s => storedCount.GetValueOrDefault(s.Id.ToString()) != 1))
                problems.Add($"scan {s.Id} stored {storedCount.GetValueOrDefault(s.Id.ToString())} times");
            if (problems.Count == 0) exactlyOnce++;
            else log.Say($"NOT exactly once: {v.Version}: {string.Join("; ", problems)}");
        }
        var verdicts = scans.Where(s => s.Verdict is not null).GroupBy(s => s.Verdict!.Value)
            .Select(g => $"{g.Count()} {VerdictNames.Of(g.Key)}");
        log.Say($"verdicts of the submission scans: {string.Join(", ", verdicts)}");
        var killed = scans.Where(s => s.WorkItemId is { } w && disruption.KilledItems.Contains(w)).ToList();
        foreach (var s in killed) log.Say($"the killed worker's scan {s.Id}: {s.State}, verdict {(s.Verdict is { } vd ? VerdictNames.Of(vd) : "none")}");

        var (lost, duplicated) = await BlobsAsync(db, versions.Select(v => (v.Version, v.ArtifactDigest)).ToList());
        var audit = await AuditAsync();
        var n = settings.Submissions;
        var ok = versions.Count == n && exactlyOnce == n && lost == 0 && duplicated == 0 && audit && disruption.Ok;
        return new CheckResult(ok, $"cluster: {n} submissions, {exactlyOnce} final exactly once, {lost} lost, {duplicated} duplicated, audit chain {(audit ? "ok" : "BROKEN")}");
    }

    private async Task<(int Lost, int Duplicated)> BlobsAsync(Gatehouse.Server.Data.GatehouseDb db, IReadOnlyList<(string Version, string? Digest)> versions)
    {
        using var s3 = new AmazonS3Client(new BasicAWSCredentials(settings.S3Key, settings.S3Secret),
            new AmazonS3Config { ServiceURL = settings.S3Url, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        var objects = new Dictionary<string, string>(StringComparer.Ordinal); // digest -> key
        var request = new ListObjectsV2Request { BucketName = settings.Bucket };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request);
            foreach (var o in page.S3Objects ?? []) objects["sha256:" + o.Key[(o.Key.LastIndexOf('/') + 1)..]] = o.Key;
            request.ContinuationToken = page.NextContinuationToken;
        } while (page.IsTruncated == true);

        var lost = 0;
        using var gate = new SemaphoreSlim(8);
        var checks = versions.Select(async v =>
        {
            if (v.Digest is null || !objects.TryGetValue(v.Digest, out var key))
            {
                log.Say($"LOST: {v.Version}: {v.Digest ?? "no artifact"} is not in the bucket");
                Interlocked.Increment(ref lost);
                return;
            }
            await gate.WaitAsync();
            try
            {
                using var o = await s3.GetObjectAsync(settings.Bucket, key);
                await using var body = o.ResponseStream;
                var actual = "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(body));
                if (actual != v.Digest)
                {
                    log.Say($"LOST: {v.Version}: the object {key} hashes to {actual}, not {v.Digest}");
                    Interlocked.Increment(ref lost);
                }
            }
            finally { gate.Release(); }
        });
        await Task.WhenAll(checks);

        // Everything a row may name: artifacts of every app, the scans' blobs and SBOMs, the upload records.
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        referenced.UnionWith((await db.AppVersions.AsNoTracking().Select(v => new { v.ArtifactDigest, v.VendorSbomDigest }).ToListAsync())
            .SelectMany(v => new[] { v.ArtifactDigest, v.VendorSbomDigest }).OfType<string>());
        referenced.UnionWith((await db.Scans.AsNoTracking().Select(s => new { s.BlobDigest, s.SbomBlob, s.DeclaredSbomBlob }).ToListAsync())
            .SelectMany(s => new[] { s.BlobDigest, s.SbomBlob, s.DeclaredSbomBlob }).OfType<string>());
        var uploads = await db.Set<Gatehouse.Server.Data.Blobs.BlobUploadRecord>().AsNoTracking().Select(u => new { u.OrganizationId, u.Digest }).ToListAsync();
        referenced.UnionWith(uploads.Select(u => u.Digest));
        var duplicated = 0;
        foreach (var (digest, key) in objects.Where(o => !referenced.Contains(o.Key)))
        {
            log.Say($"DUPLICATED: {key} ({digest}): no row references it");
            duplicated++;
        }
        foreach (var g in uploads.GroupBy(u => (u.OrganizationId, u.Digest)).Where(g => g.Count() > 1))
        {
            log.Say($"DUPLICATED: {g.Count()} upload records of {g.Key.Digest}");
            duplicated += g.Count() - 1;
        }
        foreach (var g in versions.Where(v => v.Digest is not null).GroupBy(v => v.Digest).Where(g => g.Count() > 1))
        {
            log.Say($"DUPLICATED: versions {string.Join(", ", g.Select(v => v.Version))} share the artifact {g.Key}");
            duplicated += g.Count() - 1;
        }
        log.Say($"bucket: {objects.Count} objects, {versions.Count(v => v.Digest is not null)} version artifacts checked by digest");
        return (lost, duplicated);
    }

    private async Task<bool> AuditAsync()
    {
        using var admin = ClusterSeed.Client(settings.Web[0], world.AdminToken);
        var r = await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        var intact = r.GetProperty("intact").GetBoolean();
        var gaps = r.GetProperty("gapCount").GetInt32();
        log.Say($"audit: {r.GetProperty("verified").GetInt64()} entries verified, intact {intact}, {gaps} state changes without an entry");
        if (gaps > 0)
            foreach (var g in r.GetProperty("gaps").EnumerateArray().Take(10)) log.Say("audit gap: " + g.GetRawText());
        return intact && gaps == 0;
    }
}
