using Gatehouse.Analysis.Artifacts;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Tests.Artifacts;

namespace Gatehouse.Analysis.Tests.Pipeline;

/// <summary><c>gatehouse check --profile</c>: every stage and analyzer that ran has its calls, bytes and time.</summary>
public sealed class ScanProfileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gh-profile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class Busy : IFileAnalyzer
    {
        public string Id => "test.busy";
        public string Version => "1";
        public IReadOnlyList<RuleDescriptor> Rules => [];
        public ValueTask AnalyzeAsync(ScanFile file, AnalysisContext context, CancellationToken ct)
        {
            using var s = file.Open();
            s.CopyTo(Stream.Null);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task The_profile_names_the_hash_the_walk_and_each_analyzer_with_calls_and_bytes()
    {
        var zip = ArchiveSamples.Zip(("a.txt", ArchiveSamples.Utf8("alpha")), ("b.txt", ArchiveSamples.Utf8("beta")));
        var path = Path.Combine(_dir, "app.zip");
        await File.WriteAllBytesAsync(path, zip);
        var profile = new ScanProfile();
        var policy = ArchiveSamples.SmallLimits with { RequiredEngines = [] };
        var pipeline = new ScanPipeline([new Busy()], new ArchiveWalker(policy, _dir, TimeProvider.System) { Profile = profile }, policy, TimeProvider.System) { Profile = profile };

        await pipeline.ScanAsync(path, "app.zip", "downloadable", null, CancellationToken.None);

        Assert.Equal(2, profile.Stages["test.busy"].Calls);
        Assert.Equal(9, profile.Stages["test.busy"].Bytes);
        Assert.Equal(1, profile.Stages["test.busy (artifact)"].Calls);
        Assert.Equal(zip.Length, profile.Stages["hash (artifact)"].Bytes);
        Assert.Equal(2, profile.Stages["walk.extract"].Calls);
        var text = profile.Format();
        Assert.Contains("process CPU", text, StringComparison.Ordinal);
        Assert.Contains("test.busy", text, StringComparison.Ordinal);
    }
}
