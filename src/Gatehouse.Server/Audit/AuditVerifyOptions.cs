namespace Gatehouse.Server.Audit;

/// <summary>When the audit chain is verified in the background. The key keeps its path from before the feature owned it: <c>Jobs:AuditVerifyInterval</c>.</summary>
internal sealed class AuditVerifyOptions
{
    public const string Section = "Jobs";

    /// <summary>How often the audit chain is verified in the background (default daily; zero disables).</summary>
    public TimeSpan AuditVerifyInterval { get; set; } = TimeSpan.FromDays(1);
}
