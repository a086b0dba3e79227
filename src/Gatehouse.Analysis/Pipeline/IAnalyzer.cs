namespace Gatehouse.Analysis.Pipeline;

/// <summary>Common identity of analyzers: recorded in every report (gate parity).</summary>
public interface IAnalyzer
{
    /// <summary>Stable ID, e.g. <c>archive</c>, <c>secrets</c>, <c>malware.clamav</c>.</summary>
    string Id { get; }

    /// <summary>Changes whenever its rules or logic change, so reports say what judged them.</summary>
    string Version { get; }

    /// <summary>Rules this analyzer can report.</summary>
    IReadOnlyList<RuleDescriptor> Rules { get; }
}
