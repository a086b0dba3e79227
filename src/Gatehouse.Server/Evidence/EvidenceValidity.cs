namespace Gatehouse.Server.Evidence;

/// <summary>How an item's dates stand today (independent of its review status).</summary>
internal static class EvidenceValidity
{
    public const string Valid = "valid";
    /// <summary>Valid, but ends within the listing policy's <c>evidenceExpiryWarningDays</c>.</summary>
    public const string Expiring = "expiring";
    public const string Expired = "expired";
    public const string NotYetValid = "not-yet-valid";

    public static string Of(EvidenceItem item, DateTimeOffset now, int warningDays)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (now < item.ValidFrom) return NotYetValid;
        if (now >= item.ValidUntil) return Expired;
        return item.ValidUntil <= now.AddDays(warningDays) ? Expiring : Valid;
    }
}
