namespace Gatehouse.Analysis.Charts;

/// <summary>
/// What a scan learned about a Helm chart (issue 18), in the report (<c>ScanReport.Chart</c>): its identity, the Helm and
/// Kubernetes versions it was rendered with, each values file it was rendered with and the objects that came out, and the
/// images it references. The console shows it on the reviewer's page; the server checks <see cref="Images"/> against the
/// approved images (<see cref="ChartImageApproval"/>).
/// </summary>
/// <param name="Name">Chart.yaml <c>name</c>.</param>
/// <param name="Version">Chart.yaml <c>version</c>.</param>
/// <param name="AppVersion">Chart.yaml <c>appVersion</c>.</param>
/// <param name="DeclaredKubeVersion">Chart.yaml <c>kubeVersion</c>, when set.</param>
/// <param name="KubeVersion">The Kubernetes version it was rendered and validated for (<c>helm template --kube-version</c>).</param>
/// <param name="HelmVersion">The Helm that rendered it (<c>v4.1.4</c>), null when none was found.</param>
/// <param name="Renders">One per values file, the defaults first.</param>
/// <param name="Images">Every image a rendered container, init container or ephemeral container names, each once.</param>
public sealed record ChartSummary(
    string Name,
    string Version,
    string? AppVersion,
    string? DeclaredKubeVersion,
    string KubeVersion,
    string? HelmVersion,
    IReadOnlyList<ChartRender> Renders,
    IReadOnlyList<ChartImageUse> Images);

/// <summary>One <c>helm template</c> run.</summary>
/// <param name="Values"><c>values.yaml</c> (the defaults) or the declared values file's path in the chart.</param>
/// <param name="Status"><c>rendered</c>, <c>failed</c> (Helm's error is in <paramref name="Error"/>; the scan is incomplete) or <c>skipped</c> (no Helm).</param>
/// <param name="Error">Helm's message, or ours (timeout, output limit), when not rendered.</param>
/// <param name="ValuesDigest">SHA-256 of the values file's bytes (<c>sha256:…</c>), so a reviewer knows exactly which values were used.</param>
/// <param name="Objects">What came out, in order.</param>
public sealed record ChartRender(string Values, string Status, string? Error, string? ValuesDigest, IReadOnlyList<ChartObjectSummary> Objects);

/// <summary>A rendered object, as the console lists it.</summary>
public sealed record ChartObjectSummary(string Kind, string Name, string? Namespace, string Template, string ApiVersion);

/// <summary>An image the chart references.</summary>
/// <param name="Reference">As written in the manifest (<c>registry/app/web@sha256:…</c>).</param>
/// <param name="Digest">The <c>sha256:…</c> it is pinned to, or null when it names only a tag.</param>
/// <param name="Objects">Where: <c>templates/deployment.yaml#Deployment/demo</c> (the same form as findings' paths after <c>!/</c>).</param>
public sealed record ChartImageUse(string Reference, string? Digest, IReadOnlyList<string> Objects);
