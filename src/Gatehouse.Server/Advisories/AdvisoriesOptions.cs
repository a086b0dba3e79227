using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Server.Advisories;

/// <summary>Settings of section <c>Advisories</c>: the server's advisory store, its imports and what "stale" means.</summary>
internal sealed class AdvisoriesOptions
{
    public const string Section = "Advisories";

    /// <summary>The store's folder (default <c>{Gatehouse:DataDirectory}/advisories</c>); several processes on one machine may share it.</summary>
    public string? Path { get; set; }

    /// <summary>Largest import: an uploaded body, or a file downloaded from a source (default 1 GiB).</summary>
    [Range(typeof(long), "1", OptionLimits.MaxLong, ErrorMessage = "Advisories:MaxImportBytes must be positive")]
    public long MaxImportBytes { get; set; } = 1L << 30;

    /// <summary>How often the scheduled import (<c>advisories.import</c>) runs; zero (the default) turns it off.</summary>
    [Range(typeof(TimeSpan), "00:00:00", OptionLimits.MaxTimeSpan, ErrorMessage = "Advisories:ImportInterval must not be negative")]
    public TimeSpan ImportInterval { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// What the scheduled import reads, in order: local folders or files (<c>.json</c>, <c>.zip</c>), or <c>http(s)</c> URLs of
    /// an OSV export (<c>…/npm/all.zip</c>) or a mirror. Chosen by the operator, so the probe's SSRF guard does not apply.
    /// </summary>
    public List<string> Sources { get; set; } = [];

    /// <summary>How long one download from a source may take, headers to last byte (default 30 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Advisories:DownloadTimeout must be between 1 second and 1 day")]
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The feed is stale when the newest <c>modified</c> of all advisories is older than this (default 3 days).</summary>
    [Range(typeof(TimeSpan), "00:01:00", OptionLimits.MaxTimeSpan, ErrorMessage = "Advisories:StaleAfter must be at least a minute")]
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromDays(3);
}
