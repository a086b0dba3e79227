using NetArchTest.Rules;

namespace Gatehouse.Server.Tests.Architecture;

/// <summary>
/// The server's folder rules, read from the compiled assembly so a new cycle fails the build's tests: the shared
/// folders (jobs, identity, audit, data, errors, notifications) depend on no feature, and no two folders depend on
/// each other both ways. A folder is a namespace <c>Gatehouse.Server.&lt;Folder&gt;</c> (sub-namespaces belong to it);
/// the console pages (<c>Pages</c>, which use every feature by design) and the root (composition) are left out.
/// </summary>
public sealed class DependencyRulesTests
{
    private const string Root = "Gatehouse.Server.";

    /// <summary>Folders every feature may use, which themselves use no feature.</summary>
    private static readonly string[] Shared = ["Jobs", "Identity", "Audit", "Data", "Errors", "Notifications", "Cluster"];

    /// <summary>
    /// Types whose dependencies do not count: the EF context maps every feature's entities by design (it is the one
    /// place <c>Data</c> names features), and the generated migrations.
    /// </summary>
    private static readonly string[] Unjudged =
        [Root + "Data.GatehouseDb", Root + "Data.SqliteGatehouseDb", Root + "Data.PostgresGatehouseDb", Root + "Data.Migrations."];

    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>>> Graph = new(Build);

    /// <summary>Folder → folder it depends on → the types that do.</summary>
    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> Build()
    {
        var assembly = typeof(Program).Assembly;
        var folders = assembly.GetTypes().Select(t => t.Namespace).OfType<string>().Where(n => n.StartsWith(Root, StringComparison.Ordinal))
            .Select(n => n[Root.Length..].Split('.')[0]).Where(f => f != "Pages").Distinct().Order(StringComparer.Ordinal).ToList();
        // "Gatehouse.Server.Apps" must not match "Gatehouse.Server.AppsX": no folder name may start with another's.
        Assert.DoesNotContain(folders, a => folders.Any(b => a != b && a.StartsWith(b, StringComparison.Ordinal)));
        var types = Types.InAssembly(assembly); // read once
        var graph = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>>();
        foreach (var from in folders)
        {
            var edges = new Dictionary<string, IReadOnlyList<string>>();
            foreach (var to in folders.Where(f => f != from))
            {
                var result = types.That().ResideInNamespace(Root + from).Should().NotHaveDependencyOn(Root + to).GetResult();
                var failing = (result.FailingTypeNames ?? []).Where(t => !Unjudged.Any(u => t.StartsWith(u, StringComparison.Ordinal)))
                    .Order(StringComparer.Ordinal).ToList();
                if (failing.Count > 0) edges[to] = failing;
            }
            graph[from] = edges;
        }
        return graph;
    }

    private static string Describe(string from, string to) =>
        $"{from} -> {to} ({string.Join(", ", Graph.Value[from][to].Take(5))})";

    [Fact]
    public void Shared_folders_depend_on_no_feature_folder()
    {
        var wrong = Shared.Where(Graph.Value.ContainsKey)
            .SelectMany(from => Graph.Value[from].Keys.Where(to => !Shared.Contains(to)).Select(to => Describe(from, to))).ToList();
        Assert.True(wrong.Count == 0, "Shared folders that depend on features:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void No_two_folders_depend_on_each_other()
    {
        var cycles = Graph.Value.SelectMany(a => a.Value.Keys.Where(b => string.CompareOrdinal(a.Key, b) < 0 && Graph.Value[b].ContainsKey(a.Key))
                .Select(b => $"{Describe(a.Key, b)}  <->  {Describe(b, a.Key)}")).ToList();
        Assert.True(cycles.Count == 0, "Folders that depend on each other:\n" + string.Join("\n", cycles));
    }
}
