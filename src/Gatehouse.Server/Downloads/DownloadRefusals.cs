using Gatehouse.Server.Audit;

namespace Gatehouse.Server.Downloads;

/// <summary>Which refused download links count as security refusals (<see cref="SecurityRefusals"/>), and recording them.</summary>
internal static class DownloadRefusals
{
    /// <summary>Which download refusals are recorded: altered or stolen links; an expired or retired link is ordinary.</summary>
    public static string? ReasonFor(UrlRefusal refusal) => refusal switch
    {
        UrlRefusal.Malformed or UrlRefusal.UnknownKey or UrlRefusal.TooFarAhead or UrlRefusal.BadSignature => RefusalReasons.DownloadBadSignature,
        UrlRefusal.WrongClientAddress => RefusalReasons.DownloadWrongClient,
        _ => null,
    };

    /// <summary>Records a refused download URL (one call at the refusal point of <c>DownloadsApi.Serve</c>).</summary>
    public static void RecordDownload(HttpContext http, UrlRefusal refusal, Guid versionId)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (ReasonFor(refusal) is { } reason)
            http.RequestServices.GetRequiredService<SecurityRefusals>().Record(http, reason, $"version:{versionId} ({refusal})");
    }
}
