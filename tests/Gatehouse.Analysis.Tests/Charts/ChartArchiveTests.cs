using System.Formats.Tar;
using System.Text;
using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Tests.Support;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Tests.Charts;

/// <summary>A chart archive is read as a hostile archive: in memory, bounded, one top-level folder, regular files only; and a chart folder packs deterministically.</summary>
public sealed class ChartArchiveTests
{
    private static ChartException Refused(byte[] tgz, ChartPolicy? policy = null) =>
        Assert.Throws<ChartException>(() => ChartArchive.Read(new MemoryStream(tgz), policy ?? ChartPolicy.Default));

    private static byte[] With(Action<TarWriter> more) => TestChart.RawTgz(tar =>
    {
        TestChart.AddFile(tar, "demo/Chart.yaml", TestChart.MinimalChartYaml);
        more(tar);
    });

    [Fact]
    public void A_well_formed_chart_is_read_with_its_files_by_path_inside_its_folder()
    {
        var chart = ChartArchive.Read(new MemoryStream(With(tar => TestChart.AddFile(tar, "demo/templates/cm.yaml", "kind: ConfigMap"))), ChartPolicy.Default);

        Assert.Equal("demo", chart.Root);
        Assert.Equal(["Chart.yaml", "templates/cm.yaml"], chart.Files.Keys);
    }

    [Theory]
    [InlineData(TarEntryType.SymbolicLink, "symbolic link")]
    [InlineData(TarEntryType.HardLink, "hard link")]
    [InlineData(TarEntryType.CharacterDevice, "device")]
    [InlineData(TarEntryType.Fifo, "FIFO")]
    public void Links_and_devices_are_refused_never_followed(TarEntryType type, string what)
    {
        var entry = new PaxTarEntry(type, "demo/templates/x.yaml");
        if (type is TarEntryType.SymbolicLink or TarEntryType.HardLink) entry.LinkName = "/etc/passwd";
        var ex = Refused(With(tar => tar.WriteEntry(entry)));

        Assert.Equal("chart.unsafe-entry", ex.Code);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("demo/../../etc/cron.d/x", "'..'")]
    [InlineData("/demo/templates/x.yaml", "absolute")]
    [InlineData("C:/demo/x.yaml", "drive letter")]
    [InlineData("demo\\..\\x.yaml", "backslash")]
    [InlineData("other/templates/x.yaml", "outside the chart's folder demo/")]
    [InlineData("Chart.yaml", "outside the chart's folder")]
    [InlineData("demo/Chart.yaml", "appears twice")]
    [InlineData("demo/./x.yaml", "'.' path segment")]
    public void Entries_outside_the_single_chart_folder_or_twice_are_refused(string name, string why)
    {
        var ex = Refused(With(tar => TestChart.AddFile(tar, name, "x")));

        Assert.Equal("chart.unsafe-entry", ex.Code);
        Assert.Contains(why, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Size_count_and_depth_limits_hold_before_anything_is_kept()
    {
        var policy = ChartPolicy.Default with { MaxFileBytes = 1000, MaxFiles = 3, MaxPathDepth = 4, MaxTotalBytes = 4000 };
        Assert.Contains("larger than 1000", Refused(With(tar => TestChart.AddFile(tar, "demo/big", new string('a', 1001))), policy).Message, StringComparison.Ordinal);
        Assert.Contains("more than 3 files", Refused(With(tar => { for (var i = 0; i < 3; i++) TestChart.AddFile(tar, $"demo/f{i}", "x"); }), policy).Message, StringComparison.Ordinal);
        Assert.Contains("deeper than 4", Refused(With(tar => TestChart.AddFile(tar, "demo/a/b/c/d", "x")), policy).Message, StringComparison.Ordinal);
        // A bomb: 1 GB of zeros in one entry is refused by its header, and a stream of them by the decompressed-bytes bound.
        Assert.Equal("chart.unreadable", Refused(With(tar => TestChart.AddFile(tar, "demo/z", new string('\0', 5000))), policy).Code);
    }

    [Fact]
    public void Not_a_gzip_tar_or_an_empty_one_is_unreadable()
    {
        Assert.Equal("chart.unreadable", Refused(Encoding.UTF8.GetBytes("apiVersion: v2\nname: demo\n")).Code);
        Assert.Equal("chart.unreadable", Refused(TestChart.RawTgz(_ => { })).Code);
    }

    [Fact]
    public void A_hostile_sub_chart_archive_is_refused_like_the_chart()
    {
        var inner = TestChart.RawTgz(tar => tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "sub/Chart.yaml") { LinkName = "/etc/shadow" }));

        var ex = Refused(With(tar => tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "demo/charts/sub-0.1.0.tgz") { DataStream = new MemoryStream(inner) })));

        Assert.Equal("chart.unsafe-entry", ex.Code);
        Assert.Contains("demo/charts/sub-0.1.0.tgz!/sub/Chart.yaml", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("symlink")]
    [InlineData("traversal")]
    [InlineData("two-roots")]
    [InlineData("no-chart-yaml")]
    public async Task A_hostile_chart_is_rejected_by_a_finding_and_nothing_is_rendered(string kind)
    {
        var tgz = kind switch
        {
            "symlink" => With(tar => tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "demo/values.yaml") { LinkName = "../../../../etc/passwd" })),
            "traversal" => With(tar => TestChart.AddFile(tar, "demo/../evil.yaml", "x")),
            "two-roots" => With(tar => TestChart.AddFile(tar, "evil/Chart.yaml", TestChart.MinimalChartYaml)),
            _ => TestChart.RawTgz(tar => TestChart.AddFile(tar, "demo/values.yaml", "a: 1")),
        };

        var report = await TestChart.ScanAsync(tgz);

        var f = Assert.Single(report.Findings);
        Assert.Equal(kind == "no-chart-yaml" ? "chart.unreadable" : "chart.unsafe-entry", f.RuleId);
        Assert.Equal(Verdict.Reject, report.Verdict);
        Assert.Null(report.Chart);
    }

    [Fact]
    public void Packing_a_folder_twice_gives_the_same_bytes_and_honours_helmignore()
    {
        using var chart = TestChart.Create();
        chart.Write("notes.tmp", "scratch").Write(".git/config", "[core]").Write("templates/.hidden.yaml", "kind: Secret");

        var first = chart.Pack();
        File.SetLastWriteTimeUtc(Path.Combine(chart.Dir, "values.yaml"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var second = chart.Pack();

        Assert.Equal(first, second);
        var read = ChartArchive.Read(new MemoryStream(first), ChartPolicy.Default);
        Assert.Equal("demo", read.Root);
        Assert.Contains("templates/deployment.yaml", read.Files.Keys);
        Assert.DoesNotContain("notes.tmp", read.Files.Keys); // .helmignore of helm create: *.tmp
        Assert.DoesNotContain(".git/config", read.Files.Keys);
        Assert.DoesNotContain("templates/.hidden.yaml", read.Files.Keys); // Helm's default rule
        // The real Helm reads what we packed.
        var path = Path.Combine(chart.Root, "packed.tgz");
        File.WriteAllBytes(path, first);
        Assert.Contains("name: demo", chart.RunHelm("show", "chart", path), StringComparison.Ordinal);
    }

    [Fact]
    public void Packing_refuses_a_symlink_in_the_folder()
    {
        using var chart = TestChart.Create();
        File.CreateSymbolicLink(Path.Combine(chart.Dir, "templates", "passwd.yaml"), "/etc/passwd");

        var ex = Assert.Throws<ChartException>(() => chart.Pack());

        Assert.Equal("chart.unsafe-entry", ex.Code);
    }
}
