using System.Security.Cryptography;
using Gatehouse.Analysis.Pipeline;
using Microsoft.Extensions.Time.Testing;
using static Gatehouse.Analysis.Tests.Artifacts.ArchiveSamples;

namespace Gatehouse.Analysis.Tests.Artifacts;

public sealed class ArchiveBombTests
{
    private static Finding SingleBomb(WalkResult result, string kind)
    {
        var bomb = Assert.Single(result.Of("archive.bomb"));
        Assert.StartsWith(kind + ":", bomb.Message, StringComparison.Ordinal);
        Assert.Equal(Severity.High, bomb.Severity);
        return bomb;
    }

    [Fact]
    public async Task Fifty_megabytes_of_deflated_zeros_is_a_ratio_bomb_caught_while_streaming()
    {
        var zip = new ZipBuilder().Add("zeros.bin", new byte[50 << 20]).ToArray();
        var policy = SmallLimits with { MaxEntryUncompressedBytes = 1L << 30, MaxTotalUncompressedBytes = 4L << 30 };

        var result = await Walk.RunAsync(zip, "bomb.zip", policy);

        Assert.Equal("bomb.zip!/zeros.bin", SingleBomb(result, "ratio").Path);
        Assert.Empty(result.Files);
        Assert.Empty(result.LeftoverTempFiles);
    }

    [Fact]
    public async Task A_gzip_stream_of_zeros_is_a_ratio_bomb()
    {
        var gz = Gzip(new byte[20 << 20]);
        var policy = SmallLimits with { MaxEntryUncompressedBytes = 1L << 30 };

        var result = await Walk.RunAsync(gz, "zeros.bin.gz", policy);

        SingleBomb(result, "ratio");
        Assert.Empty(result.Files);
    }

    [Fact]
    public async Task A_member_larger_than_the_per_entry_limit_is_a_size_bomb_and_is_skipped()
    {
        var zip = new ZipBuilder()
            .Add("big.bin", RandomNumberGenerator.GetBytes(2 << 20), new ZipEntrySpec { Deflate = false })
            .Add("small.txt", "still scanned")
            .ToArray();
        var policy = SmallLimits with { MaxEntryUncompressedBytes = 1 << 20 };

        var result = await Walk.RunAsync(zip, "app.zip", policy);

        Assert.Equal("app.zip!/big.bin", SingleBomb(result, "size").Path);
        Assert.Equal(["app.zip!/small.txt"], result.Files.Select(f => f.Path));
    }

    [Fact]
    public async Task Members_passing_the_total_limit_together_are_a_total_bomb_and_the_walk_stops()
    {
        var builder = new ZipBuilder();
        for (var i = 0; i < 4; i++) builder.Add($"part{i}.bin", RandomNumberGenerator.GetBytes(1 << 20), new ZipEntrySpec { Deflate = false });
        var policy = SmallLimits with { MaxTotalUncompressedBytes = (5 << 20) / 2 };

        var result = await Walk.RunAsync(builder.ToArray(), "app.zip", policy);

        Assert.Equal("app.zip!/part2.bin", SingleBomb(result, "total").Path);
        Assert.Equal(2, result.Files.Count);
    }

    [Fact]
    public async Task Archives_nested_deeper_than_the_limit_are_a_depth_bomb_and_are_not_opened()
    {
        var inner = Zip(("deep.txt", Utf8("bottom")));
        for (var level = 5; level >= 1; level--) inner = Zip(($"level{level}.zip", inner));
        var policy = SmallLimits with { MaxNestingDepth = 3 };

        var result = await Walk.RunAsync(inner, "level0.zip", policy);

        var bomb = SingleBomb(result, "depth");
        Assert.Equal("level0.zip!/level1.zip!/level2.zip!/level3.zip", bomb.Path);
        Assert.Equal(3, result.Files.Max(f => f.Depth));
        Assert.DoesNotContain(result.Files, f => f.Path.EndsWith("deep.txt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task More_entries_than_the_limit_is_a_count_bomb()
    {
        var builder = new ZipBuilder();
        for (var i = 0; i < 50; i++) builder.Add($"f{i}.txt", "x");
        var policy = SmallLimits with { MaxEntryCount = 10 };

        var result = await Walk.RunAsync(builder.ToArray(), "many.zip", policy);

        Assert.Equal("many.zip", SingleBomb(result, "count").Path);
        Assert.Empty(result.Files);
    }

    [Fact]
    public async Task Entries_counted_across_nested_tars_are_a_count_bomb()
    {
        var files = Enumerable.Range(0, 8).Select(i => ($"f{i}.txt", Utf8("x"))).ToArray();
        var tgz = TarGz([.. files, ("nested.tar", Tar(files))]);
        var policy = SmallLimits with { MaxEntryCount = 12 };

        var result = await Walk.RunAsync(tgz, "app.tgz", policy);

        Assert.Equal("app.tgz!/nested.tar", SingleBomb(result, "count").Path);
        Assert.True(result.Files.Count <= 12);
    }

    [Fact]
    public async Task Many_central_entries_sharing_one_local_entry_are_an_overlap_bomb()
    {
        // The "zbsm" construction: one compressed kernel, many central records pointing at it.
        var builder = new ZipBuilder();
        var kernel = builder.AddLocal("k", new byte[1 << 20], new ZipEntrySpec());
        for (var i = 0; i < 100; i++) builder.AddCentral(kernel, $"copy{i}.bin");

        var result = await Walk.RunAsync(builder.ToArray(), "zbsm.zip");

        Assert.Equal("zbsm.zip", SingleBomb(result, "overlap").Path);
        Assert.Empty(result.Files);
    }

    [Fact]
    public async Task A_member_identical_to_its_parent_archive_is_a_quine_bomb_and_is_not_walked_again()
    {
        // A true quine (r.zip) needs hand-built deflate blocks; the walker compares digests, and the
        // root's digest comes from the pipeline, so the test hands it the member's digest.
        var member = Zip(("x.txt", Utf8("loop")));
        var zip = Zip(("r.zip", member));

        var result = await Walk.RunAsync(zip, "r.zip", rootSha256: Sha256(member));

        Assert.Equal("r.zip!/r.zip", SingleBomb(result, "quine").Path);
        Assert.Empty(result.Files);
    }

    [Fact]
    public async Task Running_past_the_time_budget_is_a_time_bomb_and_the_walk_returns_normally()
    {
        var time = new FakeTimeProvider();
        var zip = Zip(("a.txt", Utf8("a")), ("b.txt", Utf8("b")), ("c.txt", Utf8("c")));
        var policy = SmallLimits with { MaxScanTime = TimeSpan.FromMinutes(1) };

        var result = await Walk.RunAsync(zip, "slow.zip", policy, time, onFile: _ => time.Advance(TimeSpan.FromMinutes(2)));

        Assert.Equal("slow.zip", SingleBomb(result, "time").Path);
        Assert.Single(result.Files);
        Assert.Empty(result.LeftoverTempFiles);
    }
}
