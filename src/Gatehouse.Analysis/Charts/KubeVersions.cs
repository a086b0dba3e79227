namespace Gatehouse.Analysis.Charts;

/// <summary>
/// THE Kubernetes versions Gatehouse renders charts for and validates their manifests against (the schema data uses the
/// same list), oldest first. A chart is rendered for the newest one its <c>kubeVersion</c> constraint allows.
/// </summary>
public static class KubeVersions
{
    /// <summary>Supported minor versions, oldest first.</summary>
    public static IReadOnlyList<string> Supported { get; } = ["1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35"];

    /// <summary>The newest supported version.</summary>
    public static string Newest => Supported[^1];

    /// <summary>
    /// The newest supported version (<c>1.35</c>) that <paramref name="constraint"/> (Chart.yaml <c>kubeVersion</c>, Masterminds
    /// semver syntax as Helm reads it) allows, checked as <c>1.35.0</c> the way <c>helm template --kube-version 1.35</c> sets
    /// it; the newest when there is no constraint; null when none is allowed or the constraint does not parse.
    /// </summary>
    public static string? Pick(string? constraint)
    {
        if (string.IsNullOrWhiteSpace(constraint)) return Newest;
        if (SemverConstraint.Parse(constraint) is not { } c) return null;
        for (var i = Supported.Count - 1; i >= 0; i--)
            if (c.IsSatisfiedBy(Supported[i] + ".0")) return Supported[i];
        return null;
    }
}
