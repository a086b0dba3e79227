using Gatehouse.Analysis.Charts;
using Gatehouse.Cli.Commands;
using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests.Apps;

/// <summary><c>gatehouse submit --artifact</c> with a Helm chart folder: packed the way <c>gatehouse check</c> packs it, then uploaded.</summary>
public sealed class SubmitChartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-submit-chart-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Chart()
    {
        var chart = Directory.CreateDirectory(Path.Combine(_dir, "hello")).FullName;
        File.WriteAllText(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: hello\nversion: 0.1.0\n");
        File.WriteAllText(Path.Combine(chart, "values.yaml"), "replicaCount: 1\n");
        Directory.CreateDirectory(Path.Combine(chart, "templates"));
        File.WriteAllText(Path.Combine(chart, "templates", "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n");
        return chart;
    }

    [Fact]
    public async Task A_chart_folder_is_packed_deterministically_as_check_packs_it_and_a_folder_without_Chart_yaml_is_not()
    {
        var chart = Chart();
        var packed = await SubmitCommand.PackChartAsync(new DirectoryInfo(chart), CancellationToken.None);
        Assert.NotNull(packed);
        try
        {
            Assert.Equal("hello-0.1.0.tgz", packed.Name);
            var reference = Path.Combine(_dir, "reference.tgz");
            ChartArchive.Pack(chart, reference, ChartPolicy.Default);
            Assert.Equal(await File.ReadAllBytesAsync(reference), await File.ReadAllBytesAsync(packed.FullName));
        }
        finally
        {
            packed.Directory!.Delete(recursive: true);
        }
        Assert.Null(await SubmitCommand.PackChartAsync(Directory.CreateDirectory(Path.Combine(_dir, "empty")), CancellationToken.None));
    }

    [Fact]
    public async Task Submit_uploads_a_packed_chart_folder_and_refuses_a_chart_with_a_symlink_before_touching_the_server()
    {
        var chart = Chart();
        using (var cli = new CliHarness().LoggedInByEnvironment())
        {
            var server = new FakeAppsServer(cli.Api);
            var run = await cli.RunAsync(["submit", FakeAppsServer.App, "--version", FakeAppsServer.Version, "--artifact", chart,
                "--answers", WriteAnswers(), "--attest", "Jane Doe, CTO"]);
            Assert.True(run.ExitCode == ExitCodes.Ok, run.Err);
            Assert.Equal("hello-0.1.0.tgz", server.ArtifactName);
        }

        File.CreateSymbolicLink(Path.Combine(chart, "templates", "link.yaml"), "/etc/passwd");
        using (var cli = new CliHarness().LoggedInByEnvironment())
        {
            _ = new FakeAppsServer(cli.Api);
            var run = await cli.RunAsync(["submit", FakeAppsServer.App, "--version", FakeAppsServer.Version, "--artifact", chart,
                "--answers", WriteAnswers(), "--attest", "Jane Doe, CTO"]);
            Assert.Equal(ExitCodes.Usage, run.ExitCode);
            Assert.Contains("chart.unsafe-entry", run.Err, StringComparison.Ordinal);
            Assert.Empty(cli.Api.Requests);
        }
    }

    private string WriteAnswers()
    {
        var path = Path.Combine(_dir, "answers.yaml");
        File.WriteAllText(path, "Q-DL-1: yes\n");
        return path;
    }
}
