using System.Text.Json.Nodes;

namespace Gatehouse.Analysis.Charts;

/// <summary>
/// One Kubernetes object that <c>helm template</c> rendered from a chart (issue 18): the unit the manifest rules
/// (<see cref="Rules.ManifestRules"/>) and the schema validation (<see cref="Schema.ManifestSchema"/>) look at.
/// </summary>
/// <param name="Values">The values it was rendered with: <c>values.yaml</c> (the chart's defaults) or the path in the chart of a values file the vendor declared.</param>
/// <param name="Template">The template it came from, as Helm's <c># Source:</c> comment names it, without the chart's name (<c>templates/deployment.yaml</c>, <c>charts/redis/templates/master.yaml</c>).</param>
/// <param name="Index">Its position in the render's output (0-based), so two objects of one template stay apart.</param>
/// <param name="ApiVersion">As written (<c>apps/v1</c>), empty when missing.</param>
/// <param name="Kind">As written (<c>Deployment</c>), empty when missing.</param>
/// <param name="Name"><c>metadata.name</c>, empty when missing.</param>
/// <param name="Namespace"><c>metadata.namespace</c>, when the chart sets one.</param>
/// <param name="Body">The whole object, YAML read into JSON (numbers, booleans and null as YAML 1.2's core schema reads them).</param>
public sealed record RenderedObject(
    string Values, string Template, int Index, string ApiVersion, string Kind, string Name, string? Namespace, JsonObject Body)
{
    /// <summary><c>Kind/name</c>, or <c>Kind/namespace/name</c> when the chart names a namespace: how findings and the console name the object.</summary>
    public string Id => Namespace is null ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";
}
