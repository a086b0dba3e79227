using System.Text.Json;
using Gatehouse.Server.Jobs;

namespace Gatehouse.Server.Advisories;

/// <summary>
/// The scheduled import (<c>advisories.import</c>, every <c>Advisories:ImportInterval</c>; off by default): reads every
/// configured source into the store (<see cref="AdvisoryImports.RunSourcesAsync"/>) and stores the run's report as the
/// work item's result. A source that fails is in the report and the audit entry, not an exception: the item succeeds,
/// the worker carries on, and the next interval tries again (a retry minutes later would mostly meet the same outage).
/// </summary>
internal sealed class AdvisoryImportHandler(AdvisoryImports imports) : IWorkHandler
{
    public const string KindName = "advisories.import";
    public string Kind => KindName;

    public async Task<string?> RunAsync(WorkItem item, CancellationToken ct)
    {
        var report = await imports.RunSourcesAsync(ct);
        return JsonSerializer.Serialize(report, JsonSerializerOptions.Web);
    }
}
