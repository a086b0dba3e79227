namespace Gatehouse.Analysis.Charts;

/// <summary>What the manifest rules and the schema validation need besides the objects.</summary>
/// <param name="KubeVersion">The Kubernetes version the chart was rendered for (<c>1.35</c>): the newest supported one its <c>kubeVersion</c> allows.</param>
/// <param name="DeclaredKubeVersion">The chart's own <c>kubeVersion</c> constraint (<c>&gt;=1.27.0-0</c>), when it declares one.</param>
public sealed record ManifestCheckOptions(string KubeVersion, string? DeclaredKubeVersion = null);
