namespace Gatehouse.Server.Advisories;

/// <summary>One run of the scheduled import (<c>advisories.import</c>): a line per source. Stored as the work item's result.</summary>
internal sealed record ScheduledImportReport(IReadOnlyList<SourceImportOutcome> Sources)
{
    /// <summary>Advisories added or replaced by a newer version, over every source.</summary>
    public long Changed => Sources.Sum(s => s.Result is { } r ? r.Added + r.Updated : 0);

    /// <summary>Sources that could not be read.</summary>
    public int Failed => Sources.Count(s => s.Error is not null);
}
