namespace Gatehouse.Analysis.Usage;

/// <summary>How urgent a usage alert is.</summary>
public enum UsageSeverity
{
    /// <summary>Worth a look at the next review (least privilege).</summary>
    Low,

    /// <summary>Unusual; a reviewer should look today.</summary>
    Medium,

    /// <summary>Looks like abuse in progress.</summary>
    High,
}
