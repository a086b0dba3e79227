using Gatehouse.Server.Tests.Support;

namespace Gatehouse.Server.Tests.Apps;

/// <summary>A server with an engine policy file judges a scan and its version by the same thresholds.</summary>
public sealed class VersionPolicyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-policy-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_version_is_judged_by_the_policy_file_that_judged_its_scan()
    {
        // Lenient: a high finding (a leaked AWS key id) needs review instead of rejecting.
        var policy = Path.Combine(_dir, "policy.json");
        await File.WriteAllTextAsync(policy, """{ "rejectAt": "Critical", "reviewAt": "High" }""");
        var settings = LifecycleWorld.Engines();
        settings["Scanning:PolicyFile"] = policy;
        await using var w = await LifecycleWorld.StartAsync(DbKind.Sqlite, settings: settings);
        var slug = await w.CreateAppAsync();
        await w.PrepareAsync(slug, "1.0.0", Samples.AppWithLeakedKey());
        await w.ActAsync(w.Vendor, slug, "1.0.0", "submit");

        var reviewed = await w.WaitForReviewAsync(slug, "1.0.0");
        var scan = reviewed.GetProperty("scan");
        Assert.Equal("review", scan.GetProperty("verdict").GetString());
        Assert.Equal("review", scan.GetProperty("effectiveVerdict").GetString());
        Assert.Empty(scan.GetProperty("blocking").EnumerateArray());
    }
}
