namespace Gatehouse.Analysis.Usage;

/// <summary>
/// A pure, deterministic usage detector: the same window and <c>now</c> give the same alerts. Detectors evaluate the
/// last complete hour before <c>now</c> against the app's history; rows stamped after <c>now</c> (a meter whose clock
/// went backwards or runs ahead) are ignored.
/// </summary>
public interface IUsageDetector
{
    /// <summary>Stable id (<c>usage.volume-spike</c>), documented in docs/usage-detectors.md.</summary>
    string Id { get; }

    /// <summary>Version, bumped when the math or a default threshold changes.</summary>
    string Version { get; }

    /// <summary>What the detector looks for, in one or two sentences.</summary>
    string Explanation { get; }

    /// <summary>Evaluates the window at <paramref name="now"/>.</summary>
    IReadOnlyList<UsageAlert> Detect(UsageWindow window, DateTimeOffset now);
}
