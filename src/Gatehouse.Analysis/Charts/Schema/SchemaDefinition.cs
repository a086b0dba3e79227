namespace Gatehouse.Analysis.Charts.Schema;

/// <summary>An object definition of <c>rules/kubernetes/schema.json</c>: its fields and which of them are required.</summary>
/// <param name="Id">As kubernetes-models names it (<c>IoK8sApiCoreV1Container</c>).</param>
/// <param name="Properties">Every field it has; any other field is unknown to Kubernetes.</param>
/// <param name="Required">Fields that must be present and not null.</param>
/// <param name="Name">How messages name it (<c>Container</c>).</param>
/// <param name="AllowsUnknownFields">True for a custom resource schema with <c>x-kubernetes-preserve-unknown-fields</c>.</param>
public sealed record SchemaDefinition(
    string Id, IReadOnlyDictionary<string, SchemaType> Properties, IReadOnlyList<string> Required, string Name, bool AllowsUnknownFields = false);
