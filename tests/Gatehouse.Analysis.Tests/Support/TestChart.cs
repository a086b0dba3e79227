using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Tests.Support;

/// <summary>
/// A Helm chart for tests: <c>helm create</c> (the real Helm of <c>GATEHOUSE_HELM</c>, run once per test process and copied)
/// into a temp folder, then edited file by file; packed with <see cref="ChartArchive.Pack"/>; scanned through a pipeline
/// with the chart analyzer. Hostile archives are written directly with <see cref="RawTgz"/>. Shared by the chart tests of
/// the engine (rules, schema) and the CLI.
/// </summary>
public sealed class TestChart : IDisposable
{
    private static readonly Lazy<string> Template = new(CreateTemplate);

    private TestChart(string root, string dir)
    {
        Root = root;
        Dir = dir;
    }

    /// <summary>The temp folder (removed by <see cref="Dispose"/>).</summary>
    public string Root { get; }

    /// <summary>The chart folder (<c>Root/demo</c>).</summary>
    public string Dir { get; }

    /// <summary>The Helm binary the tests use: <c>GATEHOUSE_HELM</c> (test.sh sets it). Fails the test clearly when unset.</summary>
    public static string Helm =>
        Environment.GetEnvironmentVariable("GATEHOUSE_HELM") is { Length: > 0 } h && File.Exists(h)
            ? h
            : throw new InvalidOperationException("GATEHOUSE_HELM is not set to a Helm binary: run the tests with test.sh, or GATEHOUSE_HELM=$(eng/scripts/helm.sh)");

    /// <summary>A fresh copy of <c>helm create demo</c>.</summary>
    public static TestChart Create()
    {
        var root = Directory.CreateTempSubdirectory("gh-chart-test-").FullName;
        var dir = Path.Combine(root, "demo");
        CopyFolder(Template.Value, dir);
        return new TestChart(root, dir);
    }

    /// <summary>A fresh copy of another test chart's folder (e.g. one built once per test class; never disposed then).</summary>
    public static TestChart CopyOf(TestChart other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var root = Directory.CreateTempSubdirectory("gh-chart-test-").FullName;
        var dir = Path.Combine(root, "demo");
        CopyFolder(other.Dir, dir);
        return new TestChart(root, dir);
    }

    /// <summary>Writes (or replaces) a file of the chart.</summary>
    public TestChart Write(string path, string text)
    {
        var full = Path.Combine(Dir, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return this;
    }

    /// <summary>Reads a file of the chart.</summary>
    public string Read(string path) => File.ReadAllText(Path.Combine(Dir, path));

    /// <summary>Replaces <paramref name="from"/> with <paramref name="to"/> in a file (which must contain it).</summary>
    public TestChart Replace(string path, string from, string to)
    {
        var text = Read(path);
        if (!text.Contains(from, StringComparison.Ordinal)) throw new InvalidOperationException($"{path} does not contain {from}");
        return Write(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    /// <summary>Deletes a file or folder of the chart.</summary>
    public TestChart Delete(string path)
    {
        var full = Path.Combine(Dir, path);
        if (Directory.Exists(full)) Directory.Delete(full, recursive: true);
        else File.Delete(full);
        return this;
    }

    /// <summary>Appends lines to Chart.yaml (e.g. <c>kubeVersion: "&gt;=1.30.0-0"</c>).</summary>
    public TestChart AppendChartYaml(string yaml) => Write("Chart.yaml", Read("Chart.yaml").TrimEnd() + "\n" + yaml.TrimEnd() + "\n");

    /// <summary>Chart.yaml with sources and maintainers, and a values.schema.json: no chart.metadata or chart.values-schema findings.</summary>
    public TestChart Complete()
    {
        AppendChartYaml("sources:\n  - https://example.com/demo\nmaintainers:\n  - name: Demo\n    email: demo@example.com");
        return Write("values.schema.json", "{\"$schema\":\"https://json-schema.org/draft-07/schema#\",\"type\":\"object\"}");
    }

    /// <summary>The chart packed into a <c>.tgz</c> (deterministic).</summary>
    public byte[] Pack(ChartPolicy? policy = null)
    {
        var path = Path.Combine(Root, $"pack-{Guid.NewGuid():N}.tgz");
        ChartArchive.Pack(Dir, path, policy ?? ChartPolicy.Default);
        try { return File.ReadAllBytes(path); }
        finally { File.Delete(path); }
    }

    /// <summary>Runs the real Helm with <paramref name="args"/> in the chart's folder (its HOME in the temp folder); returns stdout, throws on failure.</summary>
    public string RunHelm(params string[] args)
    {
        var start = new ProcessStartInfo(Helm) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["HOME"] = Path.Combine(Root, ".home");
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? stdout.Result : throw new InvalidOperationException($"helm {string.Join(' ', args)} failed: {stderr}");
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }

    /// <summary>Scans a chart archive through a pipeline with only the chart analyzer (Helm from <see cref="Helm"/> unless <paramref name="settings"/> says otherwise).</summary>
    public static async Task<ScanReport> ScanAsync(byte[] tgz, Policy? policy = null, EngineSettings? settings = null, string name = "demo-0.1.0.tgz")
    {
        var dir = Directory.CreateTempSubdirectory("gh-chart-scan-").FullName;
        try
        {
            var path = Path.Combine(dir, name);
            await File.WriteAllBytesAsync(path, tgz);
            settings ??= new EngineSettings { HelmPath = Helm };
            var pipeline = new ScanPipeline([new ChartAnalyzer(settings)], expander: null, (policy ?? Policy.Default) with { RequiredEngines = [] }, TimeProvider.System)
            {
                TempDirectory = dir,
            };
            return await pipeline.ScanAsync(path, name, "chart", progress: null, CancellationToken.None);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A gzip tar written entry by entry (for hostile archives Helm or our packer would never write).</summary>
    public static byte[] RawTgz(Action<TarWriter> write)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: true))
            write(tar);
        return ms.ToArray();
    }

    /// <summary>A regular file entry.</summary>
    public static void AddFile(TarWriter tar, string name, string text)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) };
        tar.WriteEntry(entry);
    }

    /// <summary>The minimal valid Chart.yaml.</summary>
    public const string MinimalChartYaml = "apiVersion: v2\nname: demo\nversion: 0.1.0\n";

    private static string CreateTemplate()
    {
        var root = Directory.CreateTempSubdirectory("gh-chart-template-").FullName;
        var start = new ProcessStartInfo(Helm) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        start.ArgumentList.Add("create");
        start.ArgumentList.Add("demo");
        start.Environment["HOME"] = root;
        using var p = Process.Start(start)!;
        p.StandardOutput.ReadToEnd();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("helm create failed: " + err);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        };
        return Path.Combine(root, "demo");
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.EnumerateFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (var d in Directory.EnumerateDirectories(from)) CopyFolder(d, Path.Combine(to, Path.GetFileName(d)));
    }
}
