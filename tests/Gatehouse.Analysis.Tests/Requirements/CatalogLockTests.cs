using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Analysis.Requirements;

namespace Gatehouse.Analysis.Tests.Requirements;

/// <summary>
/// <c>rules/requirements/catalog.lock.json</c> records the content digest of every (id, version) ever
/// published. Editing a requirement without bumping its version changes its digest and fails here;
/// <c>UPDATE_GOLDEN=1</c> records new versions but never rewrites a recorded one.
/// </summary>
public sealed class CatalogLockTests
{
    private static string LockPath => RepoFiles.Path("rules", "requirements", "catalog.lock.json");

    [Fact]
    public void Every_requirement_version_matches_its_recorded_digest()
    {
        var catalog = RequirementCatalog.LoadDirectory(RepoFiles.Path("rules", "requirements"));
        var recorded = JsonNode.Parse(File.ReadAllText(LockPath))!.AsObject();
        var update = Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1";
        var problems = new List<string>();
        foreach (var r in catalog.All)
        {
            var versions = recorded[r.Id]?.AsObject();
            var digest = versions?[r.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)]?.GetValue<string>();
            if (digest == r.Digest) continue;
            if (digest is not null)
            {
                problems.Add($"{r.Id} changed but is still version {r.Version}: bump its version (recorded {digest}, now {r.Digest})");
                continue;
            }
            var newest = versions?.Select(v => int.Parse(v.Key, System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max() ?? 0;
            if (r.Version <= newest)
                problems.Add($"{r.Id} version {r.Version} is not newer than the recorded version {newest}");
            else if (update)
            {
                versions ??= [];
                recorded[r.Id] = versions;
                versions[r.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)] = r.Digest;
            }
            else problems.Add($"{r.Id} version {r.Version} is not recorded in catalog.lock.json: run the tests with UPDATE_GOLDEN=1");
        }
        if (update && problems.Count == 0)
        {
            var sorted = new JsonObject(recorded.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
            File.WriteAllText(LockPath, sorted.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_lock_file_lists_no_requirement_the_catalogue_lost()
    {
        // A requirement is retired by keeping it (reports refer to it), never by deleting it silently.
        var catalog = RequirementCatalog.LoadDirectory(RepoFiles.Path("rules", "requirements"));
        var recorded = JsonNode.Parse(File.ReadAllText(LockPath))!.AsObject();
        var lost = recorded.Select(p => p.Key).Where(id => catalog.Find(id) is null).ToList();
        Assert.True(lost.Count == 0, "in catalog.lock.json but not in the catalogue: " + string.Join(", ", lost));
    }
}
