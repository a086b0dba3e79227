namespace Gatehouse.Analysis.Charts.Rules;

/// <summary>What rules about one object need to know about the others of the same render: service accounts, the accounts
/// RBAC binds, network policies. Built once per <see cref="ManifestRules.Check"/>.</summary>
internal sealed class ManifestContext
{
    private readonly Lazy<Dictionary<string, bool?>> _serviceAccounts;
    private readonly Lazy<HashSet<string>> _bound;
    private readonly Lazy<List<RenderedObject>> _networkPolicies;

    public ManifestContext(IReadOnlyList<RenderedObject> objects, ManifestCheckOptions options)
    {
        Objects = objects;
        Options = options;
        _serviceAccounts = new(() => objects.Where(o => o.Kind == "ServiceAccount")
            .GroupBy(o => o.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Json.Bool(g.First().Body, "automountServiceAccountToken"), StringComparer.Ordinal));
        // Namespaces are left out: a binding's subject names the release namespace ({{ .Release.Namespace }}) while the
        // account itself usually names none, and "bound by this chart" is what matters.
        _bound = new(() => objects.Where(o => o.Kind is "RoleBinding" or "ClusterRoleBinding")
            .SelectMany(o => Json.Items(o.Body, "subjects"))
            .Where(s => Json.Str(s.Item, "kind") == "ServiceAccount")
            .Select(s => Json.Str(s.Item, "name") ?? "")
            .ToHashSet(StringComparer.Ordinal));
        _networkPolicies = new(() => objects.Where(o => o.Kind == "NetworkPolicy").ToList());
    }

    public IReadOnlyList<RenderedObject> Objects { get; }

    public ManifestCheckOptions Options { get; }

    /// <summary>Whether the chart defines a ServiceAccount of this name, and its automountServiceAccountToken (null when unset).</summary>
    public bool TryGetServiceAccount(string name, out bool? automount) => _serviceAccounts.Value.TryGetValue(name, out automount);

    /// <summary>Whether a RoleBinding or ClusterRoleBinding of the chart binds this service account.</summary>
    public bool IsBound(string serviceAccount) => _bound.Value.Contains(serviceAccount);

    public IReadOnlyList<RenderedObject> NetworkPolicies => _networkPolicies.Value;
}
