namespace Gatehouse.Server.Evidence;

/// <summary>When evidence expiry is checked. The key keeps its path from before the feature owned it: <c>Jobs:EvidenceExpiryInterval</c>.</summary>
internal sealed class EvidenceExpiryOptions
{
    public const string Section = "Jobs";

    /// <summary>How often verified evidence is checked for expiry warnings and expiry (default daily; zero disables).</summary>
    public TimeSpan EvidenceExpiryInterval { get; set; } = TimeSpan.FromDays(1);
}
