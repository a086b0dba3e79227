using System.Text.Json;
using Gatehouse.Analysis.Vulnerabilities.Matching;
using Gatehouse.Server.Advisories;
using Gatehouse.Server.Console;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Jobs;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Pages.Console.Admin;

/// <summary>
/// The advisory store: how current it is (the answer of <c>GET /api/advisories/status</c>), the scheduled import's
/// settings and its last runs (the <c>advisories.import</c> work items and their reports), and an upload form that imports
/// through <see cref="AdvisoryImports.UploadAsync"/>, as <c>POST /api/advisories/import</c> does. The upload is streamed
/// (<see cref="StreamedUploadAttribute"/>): the admin policy of the folder is checked before a byte is read, the
/// antiforgery token before the file.
/// </summary>
/// <remarks>The feature's services are internal, so they are resolved from <paramref name="services"/> rather than taken by this public page's constructor.</remarks>
[StreamedUpload("Import")]
public sealed class AdvisoriesModel(IAdvisorySource store, GatehouseDb db, IServiceProvider services, TimeProvider time) : PageModel
{
    /// <summary>One scheduled run: when, its work item's state, and its report when it finished.</summary>
    public sealed record Run(DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string State, IReadOnlyList<RunSource> Sources, string? Error);

    /// <summary>One source of a run.</summary>
    public sealed record RunSource(string Source, long? Added, long? Updated, long? Skipped, long? Invalid, string? Error);

    internal AdvisoryStatusInfo Status { get; private set; } = null!;
    internal AdvisoriesOptions Settings { get; private set; } = null!;
    public IReadOnlyList<Run> Runs { get; private set; } = [];
    public string? Error { get; private set; }

    /// <summary>What the upload just imported, shown once.</summary>
    public AdvisoryImportResult? Imported { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>Reads the form's fields (the antiforgery token) and then streams the file into the import.</summary>
    public async Task<IActionResult> OnPostImportAsync(CancellationToken ct)
    {
        var imports = services.GetRequiredService<AdvisoryImports>();
        var limit = services.GetRequiredService<IOptions<AdvisoriesOptions>>().Value.MaxImportBytes;
        Errors.Outcome<AdvisoryImportResult>? outcome = null;
        var form = await StreamedForm.ReadAsync(HttpContext, limit, async (_, fileName, stream) =>
        {
            outcome = await imports.UploadAsync(HttpContext, stream, null, fileName, ct);
            return new BlobUpload(null, null); // nothing goes to the blob store: the import spooled it to scratch
        }, ct);
        if (form.Error is not null) return await ShowAsync(form.Error, form.Status, ct);
        if (outcome is null) return await ShowAsync("Choose the file to import: an OSV export (zip) or one OSV record (JSON).", 400, ct);
        if (outcome.Refusal is { } refusal) return await ShowAsync(refusal.Message, refusal.Status, ct);
        Imported = outcome.Value;
        await LoadAsync(ct);
        return Page();
    }

    private async Task<IActionResult> ShowAsync(string error, int status, CancellationToken ct)
    {
        Error = error;
        Response.StatusCode = status;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Settings = services.GetRequiredService<IOptions<AdvisoriesOptions>>().Value;
        Status = AdvisoryStatusInfo.From(store.Status(), Settings.StaleAfter, time.GetUtcNow());
        var items = await db.WorkItems.AsNoTracking().Where(w => w.Kind == AdvisoryImportHandler.KindName)
            .OrderByDescending(w => w.CreatedAt).Take(5).ToListAsync(ct);
        Runs = [.. items.Select(ToRun)];
    }

    private static Run ToRun(WorkItem w)
    {
        IReadOnlyList<RunSource> sources = [];
        if (w.Result is { } json)
        {
            try
            {
                var report = JsonSerializer.Deserialize<ScheduledImportReport>(json, JsonSerializerOptions.Web);
                sources = [.. (report?.Sources ?? []).Select(s => new RunSource(s.Source, s.Result?.Added, s.Result?.Updated, s.Result?.Skipped, s.Result?.Invalid, s.Error))];
            }
            catch (JsonException)
            {
                // A result this page cannot read (an older format) shows as a run without details.
            }
        }
        return new Run(w.CreatedAt, w.UpdatedAt, w.State.ToString().ToLowerInvariant(), sources, w.LastError);
    }
}
