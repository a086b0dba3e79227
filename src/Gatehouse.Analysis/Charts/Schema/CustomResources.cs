using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Analysis.Charts.Schema;

/// <summary>
/// The custom resource kinds a chart defines itself (<c>apiextensions.k8s.io/v1</c> CustomResourceDefinitions among its rendered
/// objects), each version's <c>openAPIV3Schema</c> turned into schema definitions, so the chart's own custom resources are
/// validated like built-in kinds. A structural schema's <c>x-kubernetes-preserve-unknown-fields</c> allows unknown fields,
/// <c>x-kubernetes-int-or-string</c> is an int-or-string, and <c>metadata</c> is always the built-in ObjectMeta.
/// </summary>
internal sealed class CustomResources
{
    private const int MaxDepth = 32;

    private readonly Dictionary<(string ApiVersion, string Kind), Custom> _kinds = [];

    /// <summary>A kind the chart defines: <see cref="Root"/> is null when its CRD gives no schema for that version.</summary>
    internal sealed record Custom(string Crd, SchemaDefinition? Root, Func<string, SchemaDefinition> Definition);

    public static CustomResources From(IReadOnlyList<RenderedObject> objects, KubernetesSchema? builtIn = null)
    {
        var result = new CustomResources();
        foreach (var o in objects)
        {
            if (o.ApiVersion != "apiextensions.k8s.io/v1" || o.Kind != "CustomResourceDefinition") continue;
            if (o.Body["spec"] is not JsonObject spec || Text(spec["group"]) is not { Length: > 0 } group
                || spec["names"] is not JsonObject names || Text(names["kind"]) is not { Length: > 0 } kind
                || spec["versions"] is not JsonArray versions) continue;
            foreach (var v in versions.OfType<JsonObject>())
            {
                if (Text(v["name"]) is not { Length: > 0 } version) continue;
                var definitions = new Dictionary<string, SchemaDefinition>(StringComparer.Ordinal);
                SchemaDefinition? root = null;
                if (v["schema"] is JsonObject s && s["openAPIV3Schema"] is JsonObject openApi)
                {
                    var builder = new Builder(definitions);
                    var type = builder.Convert(openApi, kind, 0);
                    root = type.Kind == SchemaTypeKind.Object ? definitions[type.Definition!] : null;
                    root = WithTypeMeta(root ?? new SchemaDefinition(kind, new Dictionary<string, SchemaType>(), [], kind, AllowsUnknownFields: true));
                    definitions[root.Id] = root;
                }
                result._kinds.TryAdd(($"{group}/{version}", kind), new Custom(o.Name, root,
                    id => definitions.TryGetValue(id, out var d) ? d : (builtIn ?? KubernetesSchema.Default).Definition(id)));
            }
        }
        return result;
    }

    public Custom? Find(string apiVersion, string kind) => _kinds.GetValueOrDefault((apiVersion, kind));

    private static SchemaDefinition WithTypeMeta(SchemaDefinition root)
    {
        var properties = new Dictionary<string, SchemaType>(root.Properties, StringComparer.Ordinal)
        {
            ["apiVersion"] = new(SchemaTypeKind.String),
            ["kind"] = new(SchemaTypeKind.String),
            ["metadata"] = new(SchemaTypeKind.Object, Definition: "IoK8sApimachineryPkgApisMetaV1ObjectMeta"),
        };
        return root with { Properties = properties };
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static bool Flag(JsonObject schema, string name) =>
        schema[name] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    /// <summary>Turns one version's openAPIV3Schema into definitions named by their path (<c>Widget.spec</c>).</summary>
    private sealed class Builder(Dictionary<string, SchemaDefinition> definitions)
    {
        public SchemaType Convert(JsonObject schema, string path, int depth)
        {
            if (depth > MaxDepth) return new(SchemaTypeKind.Any);
            if (Flag(schema, "x-kubernetes-int-or-string")) return new(SchemaTypeKind.IntOrString);
            var preserve = Flag(schema, "x-kubernetes-preserve-unknown-fields");
            switch (Text(schema["type"]))
            {
                case "object":
                    if (schema["properties"] is JsonObject props)
                    {
                        var properties = new Dictionary<string, SchemaType>(StringComparer.Ordinal);
                        foreach (var (name, value) in props)
                            properties[name] = value is JsonObject child ? Convert(child, $"{path}.{name}", depth + 1) : new(SchemaTypeKind.Any);
                        var required = schema["required"] is JsonArray r
                            ? r.Select(Text).OfType<string>().Where(properties.ContainsKey).Distinct(StringComparer.Ordinal).ToList()
                            : [];
                        definitions[path] = new SchemaDefinition(path, properties, required, path, preserve);
                        return new(SchemaTypeKind.Object, Definition: path);
                    }
                    if (schema["additionalProperties"] is JsonObject additional)
                        return new(SchemaTypeKind.Map, Item: Convert(additional, path + "[]", depth + 1));
                    return new(SchemaTypeKind.Any);
                case "array":
                    return new(SchemaTypeKind.List, Item: schema["items"] is JsonObject items ? Convert(items, path + "[]", depth + 1) : new(SchemaTypeKind.Any));
                case "string":
                    if (schema["enum"] is JsonArray values && values.Count > 0 && values.All(x => Text(x) is not null))
                        return new(SchemaTypeKind.Enum, Values: values.Select(x => Text(x)!).ToHashSet(StringComparer.Ordinal));
                    return new(SchemaTypeKind.String);
                case "integer": return new(SchemaTypeKind.Integer);
                case "number": return new(SchemaTypeKind.Number);
                case "boolean": return new(SchemaTypeKind.Boolean);
                default: return new(SchemaTypeKind.Any);
            }
        }
    }
}
