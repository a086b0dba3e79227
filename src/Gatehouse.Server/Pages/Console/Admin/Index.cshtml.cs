using System.Diagnostics;
using System.Globalization;
using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Analyzers.FileType;
using Gatehouse.Server.Console;
using Gatehouse.Server.Data;
using Gatehouse.Server.Health;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Server.Pages.Console.Admin;

/// <summary>
/// Engine health and scan throughput. The readiness checks (the ones <c>/readyz</c> runs, through the same
/// code) run when the page is requested, each bounded by the same timeout: what the page shows was checked
/// just now, and nothing pretends to remember an older self-test. libmagic has no readiness check of its own,
/// so the page types a small PDF header with it (the same call every scan makes).
/// </summary>
public sealed class IndexModel(IEnumerable<IReadinessCheck> checks, GatehouseDb db, TimeProvider time, EngineHandles engines) : PageModel
{
    public sealed record EngineRow(string Name, string Status, string Detail, long DurationMs);

    public ReadyResponse Readiness { get; private set; } = new("not-ready", new Dictionary<string, CheckStatus>());
    public IReadOnlyList<EngineRow> Engines { get; private set; } = [];
    public DateTimeOffset CheckedAt { get; private set; }
    public ScanCharts.Charts Charts { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        CheckedAt = time.GetUtcNow();
        Readiness = await HealthApi.CheckAsync(checks, ct);
        Engines =
        [
            Engine("ClamAV", "clamav", "not configured: Scanning:ClamdEndpoint is empty, so scans whose policy requires ClamAV are incomplete"),
            Engine("YARA", "yara", "no readiness check is registered"),
            LibMagicRow(),
        ];
        Charts = await ScanCharts.BuildAsync(db, CheckedAt, ct);
    }

    private EngineRow Engine(string title, string check, string missing) =>
        Readiness.Checks.TryGetValue(check, out var r)
            ? new EngineRow(title, r.Status, r.Detail, r.DurationMs)
            : new EngineRow(title, "not configured", missing, 0);

    private EngineRow LibMagicRow()
    {
        var sw = Stopwatch.StartNew();
        try
        {
            var version = LibMagic.Version;
            var mime = engines.LibMagic.MimeType("%PDF-1.4\n%\u00e2\u00e3\n1 0 obj\n<<>>\nendobj\n"u8);
            var v = string.Create(CultureInfo.InvariantCulture, $"file {version / 100}.{version % 100:00}");
            return mime == "application/pdf"
                ? new EngineRow("libmagic", "ready", $"{v}; self-test typed a PDF header as {mime}", sw.ElapsedMilliseconds)
                : new EngineRow("libmagic", "down", $"{v}; self-test typed a PDF header as {mime}, expected application/pdf", sw.ElapsedMilliseconds);
        }
        catch (Exception ex) when (ex is InvalidOperationException or DllNotFoundException or EntryPointNotFoundException)
        {
            return new EngineRow("libmagic", "down", ex.Message, sw.ElapsedMilliseconds);
        }
    }
}
