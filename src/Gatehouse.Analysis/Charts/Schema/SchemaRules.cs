using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Charts.Schema;

/// <summary>
/// The <c>k8s.schema-*</c>, <c>k8s.api-*</c> and <c>k8s.unknown-kind</c> rules of <see cref="ManifestSchema"/>, one page each in
/// <c>docs/rules/</c>. What the API server refuses (a wrong type, a missing required field, an API it does not serve) is high: the
/// chart does not install. An unknown field is medium: the API server drops it with a warning, so the setting silently has no
/// effect (a mis-indented <c>securityContext</c> is a security setting lost).
/// </summary>
public static class SchemaRules
{
    /// <summary>The requirement these rules verify (rules/requirements/charts.yaml).</summary>
    public const string Requirement = "GH-HELM-8";

    public static readonly RuleDescriptor UnknownField = new(
        "k8s.schema-unknown-field", "Field that Kubernetes does not know", Severity.Medium, Requirement,
        "A rendered object has a field its Kubernetes schema does not define (a typo, a mis-indented block, a field of another "
        + "kind or of a newer API). The API server drops it with at most a warning, so the setting has no effect. Fix the "
        + "template or the values so the field sits where the schema has it.");

    public static readonly RuleDescriptor WrongType = new(
        "k8s.schema-type", "Field of the wrong type or value", Severity.High, Requirement,
        "A rendered field holds the wrong JSON type (a quoted number or boolean, a number where a string is expected, such as "
        + "an annotation value 1.0, a map where a list is expected), a malformed resource quantity, or a value outside its "
        + "enumeration. The API server refuses the object, so the chart does not install. Quote or unquote the value "
        + "(| quote, | int) in the template.");

    public static readonly RuleDescriptor MissingRequired = new(
        "k8s.schema-required", "Required field missing", Severity.High, Requirement,
        "A rendered object lacks a field its Kubernetes schema requires (a container's name, a Deployment's selector, a "
        + "port's number), or renders it as null. The API server refuses the object. Set it in the template or give its "
        + "value a default.");

    public static readonly RuleDescriptor ApiRemoved = new(
        "k8s.api-removed", "API version that the target Kubernetes no longer serves", Severity.High, Requirement,
        "The object's apiVersion/kind was removed from Kubernetes before the version the chart was rendered for "
        + "(extensions/v1beta1 Ingress, batch/v1beta1 CronJob, policy/v1beta1 PodDisruptionBudget, ...). The API server "
        + "refuses it. Use the replacement the message names, or gate the template on .Capabilities.APIVersions.Has.");

    public static readonly RuleDescriptor ApiNotYetServed = new(
        "k8s.api-not-yet-served", "API version newer than the target Kubernetes", Severity.High, Requirement,
        "The object's apiVersion/kind is served only from a later Kubernetes version than the one the chart was rendered "
        + "for, which the chart's kubeVersion allows. Raise kubeVersion in Chart.yaml, or gate the template on "
        + ".Capabilities.APIVersions.Has.");

    public static readonly RuleDescriptor UnknownKind = new(
        "k8s.unknown-kind", "Kind that is neither built in nor defined by the chart", Severity.Low, Requirement,
        "The object's apiVersion/kind is not a built-in Kubernetes kind and no CustomResourceDefinition the chart ships "
        + "defines it, so it was not validated (a custom resource of an operator the cluster must already have). A built-in "
        + "API group with a kind or version Kubernetes does not have (apps/v2, a typo in kind) is high: the API server refuses it.");

    /// <summary>Every rule, for <c>gatehouse rules</c>.</summary>
    public static IReadOnlyList<RuleDescriptor> All { get; } = [UnknownField, WrongType, MissingRequired, ApiRemoved, ApiNotYetServed, UnknownKind];
}
