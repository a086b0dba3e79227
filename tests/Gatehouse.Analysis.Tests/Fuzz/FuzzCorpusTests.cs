using Gatehouse.Fuzz;
using Gatehouse.Analysis.Tests.Requirements;

namespace Gatehouse.Analysis.Tests.Fuzz;

/// <summary>
/// Every harness of fuzz/Gatehouse.Fuzz runs its whole corpus once, in-process and uninstrumented: the generated seeds,
/// the committed files under fuzz/corpus/&lt;target&gt;/ and every crash or hang bench/fuzz.sh ever saved under
/// fuzz/findings/&lt;target&gt;/ (each fixed, so each must now be handled). So the harnesses cannot rot, and a fixed finding
/// cannot come back. docs/fuzzing.md lists every target.
/// </summary>
public sealed class FuzzCorpusTests
{
    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_seed_corpus_file_and_finding_is_handled_without_a_crash_or_hang(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var inputs = target.Seeds()
            .Concat(Replay.Inputs(RepoFiles.Path("fuzz", "corpus", name)))
            .Concat(Replay.Inputs(RepoFiles.Path("fuzz", "findings", name)))
            .ToList();

        Assert.NotEmpty(inputs);
        var failures = Replay.Run(target, inputs, TimeSpan.FromSeconds(10));

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Every_corpus_and_findings_folder_belongs_to_a_target()
    {
        var names = FuzzTargets.All.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var folders = new[] { "corpus", "findings" }
            .Select(f => RepoFiles.Path("fuzz", f))
            .Where(Directory.Exists)
            .SelectMany(Directory.EnumerateDirectories)
            .Select(Path.GetFileName);

        Assert.All(folders, f => Assert.Contains(f!, names));
    }

    [Fact]
    public void Docs_list_every_target_with_its_entry_point()
    {
        var doc = File.ReadAllText(RepoFiles.Path("docs", "fuzzing.md"));

        Assert.All(FuzzTargets.All, t => Assert.Contains($"| `{t.Name}` |", doc, StringComparison.Ordinal));
    }
}
