using System.Text.Json;
using Gatehouse.Analysis.Vulnerabilities.Matching;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Data.Scratch;
using Gatehouse.Server.Errors;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Advisories;

/// <summary>
/// Imports into the server's advisory store, the two ways there are: an admin's upload (the API and the console page),
/// and the scheduled import from <c>Advisories:Sources</c>. Either way the content is first written to a private scratch
/// file (never the shared temp folder, never held in memory whole), then handed to the store, which imports incrementally
/// by <c>modified</c>. The import's audit entry, and the work every <see cref="IAdvisoryImportObserver"/> starts when
/// the import changed something, are committed together by one save.
/// </summary>
/// <remarks>
/// The store is not in the database, so it cannot share the save's transaction: a crash after the store's commit and
/// before the save leaves advisories imported without their entry and without the re-match. The next import that changes
/// something starts the re-match; an operator who sees the gap imports again (a repeated import changes nothing and is
/// audited as such).
/// </remarks>
internal sealed class AdvisoryImports(
    AdvisoryStore store, GatehouseDb db, AuditLog audit, IEnumerable<IAdvisoryImportObserver> observers, ScratchSpace scratch,
    AdvisoryDownloader downloader, IOptions<AdvisoriesOptions> options, ILogger<AdvisoryImports> logger)
{
    /// <summary>
    /// Imports an uploaded body (a zip of OSV records or one record) for the caller of <paramref name="http"/>, who has
    /// been authorised as an admin before anything was read. Refused: over <c>Advisories:MaxImportBytes</c> (413, by the
    /// declared length before reading and while reading), empty, or neither JSON nor a readable zip (400).
    /// </summary>
    /// <param name="name">The uploaded file's name, for the audit entry only (sanitised; never a path).</param>
    public async Task<Outcome<AdvisoryImportResult>> UploadAsync(HttpContext http, Stream body, long? length, string? name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(body);
        var limit = options.Value.MaxImportBytes;
        if (length > limit) return TooLarge(limit);
        using var folder = scratch.CreateFolder("advisories-upload");
        var file = folder.File("upload");
        try
        {
            await using var target = new FileStream(file, PrivateFolders.CreateNew(bufferSize: 81920));
            await new LimitedReadStream(body, limit).CopyToAsync(target, ct);
            if (target.Length == 0) return Refusal.Invalid("the request body is empty: send an OSV record (JSON) or a zip of them");
        }
        catch (BlobTooLargeException)
        {
            return TooLarge(limit);
        }
        var shown = UploadNames.Sanitize(name, "upload");
        AdvisoryImportResult result;
        try
        {
            result = ImportFile(file, shown, ct);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException)
        {
            return Refusal.Invalid($"the upload is neither an OSV record (JSON) nor a zip of them: {e.Message}");
        }
        audit.Record(db, AuditEvent.By(http, AuditActions.AdvisoriesImported, data: new { trigger = "upload", sources = new[] { Entry(shown, result) } }));
        await SaveAsync(result.Added + result.Updated, ct);
        logger.LogInformation("Advisory upload {Name} imported: {Added} added, {Updated} updated, {Skipped} skipped, {Invalid} invalid",
            shown, result.Added, result.Updated, result.Skipped, result.Invalid);
        return result;
    }

    /// <summary>
    /// The scheduled import: every configured source in turn (a folder or file read in place, a URL downloaded to a
    /// private file first). A source that cannot be read is recorded with its reason and the others still run; nothing
    /// here throws for a source (the worker goes on, the next run tries again). One audit entry per run:
    /// <c>advisories.imported</c> when a source was read, <c>advisories.import-failed</c> when none could be.
    /// </summary>
    public async Task<ScheduledImportReport> RunSourcesAsync(CancellationToken ct)
    {
        var outcomes = new List<SourceImportOutcome>();
        foreach (var text in options.Value.Sources)
        {
            ct.ThrowIfCancellationRequested();
            var source = AdvisorySource.TryParse(text, out var problem);
            if (source is null)
            {
                outcomes.Add(new SourceImportOutcome("(invalid source)", null, problem));
                continue;
            }
            try
            {
                outcomes.Add(new SourceImportOutcome(source.Display, await ImportSourceAsync(source, ct), null));
            }
            catch (Exception e) when (e is AdvisorySourceException or IOException or UnauthorizedAccessException or InvalidDataException or JsonException)
            {
                logger.LogWarning("Advisory source {Source} could not be imported: {Error}", source.Display, e.Message);
                outcomes.Add(new SourceImportOutcome(source.Display, null, e.Message));
            }
        }
        var report = new ScheduledImportReport(outcomes);
        var anyRead = outcomes.Any(o => o.Result is not null);
        audit.Record(db, new AuditEvent(anyRead ? AuditActions.AdvisoriesImported : AuditActions.AdvisoriesImportFailed, "system",
            Data: new { trigger = "scheduled", sources = outcomes.Select(o => o.Result is { } r ? Entry(o.Source, r) : new { source = o.Source, error = o.Error }) }));
        await SaveAsync(report.Changed, ct);
        return report;
    }

    private async Task<AdvisoryImportResult> ImportSourceAsync(AdvisorySource source, CancellationToken ct)
    {
        if (source.Url is null)
        {
            if (!File.Exists(source.Text) && !Directory.Exists(source.Text)) throw new AdvisorySourceException("no such file or folder");
            return store.Import(source.Text, null, ct);
        }
        using var folder = scratch.CreateFolder("advisories-download");
        var file = folder.File("download");
        await downloader.DownloadAsync(source.Url, file, ct);
        return ImportFile(file, source.Display, ct);
    }

    /// <summary>The store tells a zip from a JSON record by its content, so the private file needs no extension.</summary>
    private AdvisoryImportResult ImportFile(string file, string name, CancellationToken ct)
    {
        using var content = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 81920);
        return store.Import(content, name, ct);
    }

    /// <summary>The staged audit entry, and the observers' work when the store changed, in one save.</summary>
    private async Task SaveAsync(long changed, CancellationToken ct)
    {
        if (changed > 0)
            foreach (var observer in observers)
                await observer.AdvisoriesImportedAsync(db, ct);
        await db.SaveChangesAsync(ct);
    }

    private static object Entry(string source, AdvisoryImportResult r) => new
    {
        source, r.Read, r.Added, r.Updated, r.Skipped, r.Invalid, elapsedMs = (long)r.Elapsed.TotalMilliseconds,
        problems = r.Problems.Take(5),
    };

    private static Refusal TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, ProblemCodes.TooLarge, "The import is too large", $"the limit is {limit} bytes (Advisories:MaxImportBytes)");
}
