namespace Gatehouse.Server.Apps;

/// <summary>What a finished scan means for its version (<see cref="VersionScanOutcome.Decide"/>).</summary>
public enum VersionScanStep
{
    /// <summary>A submission scan was incomplete and retries are left: scan again after the back-off.</summary>
    Retry,
    /// <summary>A submission scan is done (or out of retries, then flagged incomplete): to review.</summary>
    Review,
    /// <summary>A published version's rescan or probe was incomplete: never a quarantine; try again later and tell people.</summary>
    RetryLater,
    /// <summary>A published version's rescan or probe has blocking findings after suppressions: quarantine at once.</summary>
    Quarantine,
    /// <summary>A published version's rescan or probe is fine: the next one is scheduled.</summary>
    Reschedule,
}
