namespace Gatehouse.Analysis.Pipeline;

/// <summary>How bad a finding is. The default policy: critical/high reject, medium review.</summary>
public enum Severity
{
    Info,
    Low,
    Medium,
    High,
    Critical,
}
