namespace Gatehouse.Analysis.Pipeline;

/// <summary>
/// A scan engine the policy requires (<see cref="Policy.RequiredEngines"/>) could not be used: down,
/// timed out, answering garbage, or failing its self-test. Thrown by the analyzer after it reported
/// an <c>engine.unavailable</c> finding, so the pipeline records an analyzer failure and the verdict
/// is <c>incomplete</c>, never <c>pass</c> (DESIGN.md, fail closed).
/// </summary>
public sealed class EngineUnavailableException : Exception
{
    /// <summary>The rule of the finding that goes with this exception.</summary>
    public const string RuleId = "engine.unavailable";

    /// <summary>Shared by every engine-backed analyzer (ClamAV, YARA, ...); documented in docs/rules/engine.unavailable.md.</summary>
    public static RuleDescriptor Rule { get; } = new(
        RuleId,
        "A scan engine could not be used",
        Severity.Info,
        "GH-FILE-4",
        "A scan engine (clamd, YARA) was unreachable, timed out, answered something unexpected or failed its self-test, "
        + "so the file was not checked by it. The verdict is incomplete when the policy requires the engine; rescan once it is back.");

    public EngineUnavailableException()
        : this("unknown", "unknown")
    {
    }

    public EngineUnavailableException(string message)
        : this("unknown", message)
    {
    }

    public EngineUnavailableException(string message, Exception? innerException)
        : this("unknown", message, innerException)
    {
    }

    /// <param name="engineId">The engine as named in <see cref="Policy.RequiredEngines"/>, e.g. <c>clamav</c>.</param>
    /// <param name="reason">What went wrong, safe to show.</param>
    public EngineUnavailableException(string engineId, string reason, Exception? innerException)
        : base($"The {engineId} engine is unavailable: {reason}", innerException)
    {
        EngineId = engineId;
        Reason = reason;
    }

    /// <inheritdoc cref="EngineUnavailableException(string, string, Exception?)"/>
    public EngineUnavailableException(string engineId, string reason)
        : this(engineId, reason, null)
    {
    }

    /// <summary>The engine as named in <see cref="Policy.RequiredEngines"/>, e.g. <c>clamav</c>.</summary>
    public string EngineId { get; }

    /// <summary>What went wrong, safe to show.</summary>
    public string Reason { get; }

    /// <summary>The <c>engine.unavailable</c> finding for <paramref name="path"/>; its fingerprint does not include the reason, which varies.</summary>
    public static Finding ToFinding(string engineId, string analyzerId, string path, string reason) =>
        new(RuleId, Rule.DefaultSeverity, path, $"The {engineId} engine is unavailable, so {path} was not scanned by it: {reason}",
            Fingerprints.Of(RuleId, path, engineId))
        {
            RequirementId = Rule.RequirementId,
            AnalyzerId = analyzerId,
        };
}
