using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Charts.Schema;

/// <summary>
/// Validates rendered objects against the Kubernetes object schemas for the Kubernetes version the chart was rendered for
/// (issue 18 §4): unknown fields, wrong types, missing required fields, and API versions that version does not serve.
/// The schemas are <c>rules/kubernetes/schema.json</c> (<see cref="KubernetesSchema"/>), the API versions
/// <c>rules/kubernetes/api-versions.json</c> (<see cref="ApiVersionTable"/>); custom resources are validated against the
/// <c>openAPIV3Schema</c> of a CustomResourceDefinition the chart itself ships (<see cref="CustomResources"/>).
/// </summary>
public sealed class ManifestSchema
{
    /// <summary>At most this many problems are listed per object (then one finding says how many more there are).</summary>
    public const int MaxProblemsPerObject = 20;

    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal) { "status" };

    private readonly Lazy<KubernetesSchema> _schema;
    private readonly Lazy<ApiVersionTable> _apis;

    /// <summary>The bundled schemas, loaded when first used.</summary>
    public ManifestSchema() : this(() => KubernetesSchema.Default, () => ApiVersionTable.Default)
    {
    }

    /// <summary>Other schemas (tests).</summary>
    public ManifestSchema(KubernetesSchema schema, ApiVersionTable apis) : this(() => schema, () => apis)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(apis);
    }

    private ManifestSchema(Func<KubernetesSchema> schema, Func<ApiVersionTable> apis)
    {
        _schema = new(schema);
        _apis = new(apis);
    }

    /// <summary>The schemas that ship with the engine.</summary>
    public static ManifestSchema Default { get; } = new();

    /// <summary>Every rule, for <c>gatehouse rules</c>.</summary>
    public static IReadOnlyList<RuleDescriptor> AllRules { get; } = SchemaRules.All;

    /// <summary>The schemas in use.</summary>
    public KubernetesSchema Schema => _schema.Value;

    /// <summary>Validates every object (all of one render). Throws <see cref="FormatException"/> when <see cref="ManifestCheckOptions.KubeVersion"/> is not a version.</summary>
    public IEnumerable<ManifestFinding> Validate(IReadOnlyList<RenderedObject> objects, ManifestCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(options);
        var kube = KubeMinor.Parse(options.KubeVersion);
        var crds = CustomResources.From(objects, _schema.Value);
        var findings = new List<ManifestFinding>();
        foreach (var obj in objects)
        {
            var (problems, dropped) = Check(obj, kube, crds);
            findings.AddRange(problems.Select(p => new ManifestFinding(p.Rule, obj, p.Field, p.Message) { Evidence = p.Evidence, Severity = p.Severity }));
            if (dropped > 0)
                findings.Add(new ManifestFinding(problems[^1].Rule, obj, "",
                    $"{dropped} more schema problem(s) in {obj.Id} are not listed (at most {MaxProblemsPerObject} per object)"));
        }
        return findings;
    }

    /// <summary>The problems of one object, with JSON pointers (the oracle test compares them with kubernetes-models).</summary>
    internal (List<SchemaProblem> Problems, int Dropped) Check(RenderedObject obj, KubeMinor kube, CustomResources crds)
    {
        var schema = _schema.Value;
        if (obj.ApiVersion.Length == 0 || obj.Kind.Length == 0)
        {
            var missing = obj.ApiVersion.Length == 0 ? "apiVersion" : "kind";
            return ([new SchemaProblem(SchemaRules.MissingRequired, missing, "/" + missing, $"{missing} is required by every Kubernetes object but missing", null)], 0);
        }
        var what = $"{obj.ApiVersion} {obj.Kind}";
        if (_apis.Value.NotServed(obj.ApiVersion, obj.Kind, kube) is { } change)
        {
            return change.Removed is { } removed
                ? ([new SchemaProblem(SchemaRules.ApiRemoved, "apiVersion", "/apiVersion",
                    $"Kubernetes {kube} does not serve {what} (removed in {removed}); use {change.Use}", $"apiVersion: {obj.ApiVersion}")], 0)
                : ([new SchemaProblem(SchemaRules.ApiNotYetServed, "apiVersion", "/apiVersion",
                    $"Kubernetes {kube} does not serve {what} yet (from {change.Introduced}); use {change.Use}", $"apiVersion: {obj.ApiVersion}")], 0);
        }
        SchemaDefinition? definition;
        Func<string, SchemaDefinition> resolve;
        if (schema.Find(obj.ApiVersion, obj.Kind) is { } builtIn)
        {
            definition = builtIn;
            resolve = schema.Definition;
        }
        else if (crds.Find(obj.ApiVersion, obj.Kind) is { } custom)
        {
            definition = custom.Root;
            resolve = custom.Definition;
            if (definition is null)
                return ([new SchemaProblem(SchemaRules.UnknownKind, "", "", $"{what} is defined by the chart's CustomResourceDefinition {custom.Crd}, which gives it no openAPIV3Schema, so it was not validated", null)], 0);
        }
        else if (schema.IsBuiltInGroup(obj.ApiVersion))
        {
            return ([new SchemaProblem(SchemaRules.UnknownKind, "", "", $"Kubernetes has no {what}: the API group is built in, but not this version or kind", $"apiVersion: {obj.ApiVersion}, kind: {obj.Kind}")
                { Severity = Severity.High }], 0);
        }
        else
        {
            return ([new SchemaProblem(SchemaRules.UnknownKind, "", "", $"{what} is neither a built-in Kubernetes kind nor defined by a CustomResourceDefinition in the chart, so it was not validated", $"apiVersion: {obj.ApiVersion}, kind: {obj.Kind}")], 0);
        }
        var validator = new ObjectValidator(resolve, MaxProblemsPerObject);
        validator.ValidateRoot(obj.Body, definition, Ignored);
        // Not in the OpenAPI schema (ObjectMeta requires nothing) but refused by every API server: an object needs a name or a
        // generateName (Helm's install uses names, so generateName alone fails there too, but the API would accept it).
        if (obj.Body["metadata"] is not JsonObject meta || (IsBlank(meta["name"]) && IsBlank(meta["generateName"])))
            validator.Problems.Insert(0, new SchemaProblem(SchemaRules.MissingRequired, "metadata.name", "/metadata/name",
                "metadata.name is required by every Kubernetes object but missing or empty", null));
        return (validator.Problems, validator.Dropped);
    }

    // Absent, null or "" (a name of another type is a wrong type, reported with the fields).
    private static bool IsBlank(JsonNode? node) =>
        node is null || (node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length == 0);
}
