using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Server.Downloads;

/// <summary>Settings of section <c>Downloads</c> (docs/downloads.md).</summary>
public sealed class DownloadOptions
{
    public const string Section = "Downloads";

    /// <summary>No URL lives longer than this, whatever the settings say.</summary>
    public static readonly TimeSpan HardCap = TimeSpan.FromDays(7);

    /// <summary>Lifetime of a URL when the request names none (default 15 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:00", OptionLimits.MaxTimeSpan, MinimumIsExclusive = true, ErrorMessage = "Downloads:DefaultLifetime must be positive")]
    public TimeSpan DefaultLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Longest lifetime a caller may ask for (default and at most 7 days).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00", MinimumIsExclusive = true, ErrorMessage = "Downloads:MaxLifetime must be positive and at most 7 days")]
    public TimeSpan MaxLifetime { get; set; } = HardCap;

    /// <summary>How far clocks may disagree: a URL is accepted this long after its expiry (default 30 seconds, at most 5 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ErrorMessage = "Downloads:ClockSkew must be between 0 and 5 minutes")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A separate origin for downloads (e.g. <c>https://downloads.example.com</c>), so files never share an origin with
    /// the console. When set, URLs point there, <c>/dl/</c> answers only on that host, and that host answers nothing else.
    /// </summary>
    [CustomValidation(typeof(DownloadOptions), nameof(ValidateBaseUrl))]
    public string? BaseUrl { get; set; }

    /// <summary>Allow <c>via: "storage"</c> (the blob store's own presigned URLs, e.g. S3 SigV4). Default false: see docs.</summary>
    public bool AllowStorageUrls { get; set; }

    /// <summary>
    /// A URL fetched again by the same client address within this window is served but not counted or audited again
    /// (default 1 minute; 0 counts every request): a download manager's many Range requests are one download.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Downloads:CountWindow must be between 0 and 1 hour")]
    public TimeSpan CountWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Requests to <c>/dl/</c> one client address may make per minute (default 120); past it 429 with Retry-After.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "Downloads:RateLimitPerMinute must be positive")]
    public int RateLimitPerMinute { get; set; } = 120;

    /// <summary>The rule on <see cref="BaseUrl"/>: unset, or an absolute http(s) origin without a path.</summary>
    public static ValidationResult? ValidateBaseUrl(string? baseUrl) =>
        baseUrl is null || (Uri.TryCreate(baseUrl, UriKind.Absolute, out var u) && u.Scheme is "https" or "http"
                            && u.AbsolutePath == "/" && string.IsNullOrEmpty(u.Query))
            ? ValidationResult.Success
            : new ValidationResult("Downloads:BaseUrl must be an absolute http(s) origin without a path, e.g. https://downloads.example.com");

    /// <summary>The download host (<see cref="BaseUrl"/>'s host and port), or null.</summary>
    public string? Host => BaseUrl is null ? null : new Uri(BaseUrl).Authority;
}
