using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Gatehouse.Cli.Tests.Engines;

/// <summary>
/// A vendor without a configured clamd: <c>check</c> looks where the OS packages put clamd before giving up, names both
/// ways out when it finds none, and <c>gatehouse engines start</c> runs a real, private clamd that <c>check</c> then uses.
/// </summary>
public sealed class EnginesCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-engines-").FullName;

    public void Dispose()
    {
        // A test that failed half-way must not leave its clamd running.
        _ = Run([], "engines", "stop").GetAwaiter().GetResult();
        Directory.Delete(_dir, recursive: true);
    }

    private static string Clamd => Environment.GetEnvironmentVariable("GATEHOUSE_TEST_CLAMD")
        ?? throw new InvalidOperationException("GATEHOUSE_TEST_CLAMD is not set; ./test.sh starts clamd and sets it.");

    private string DataDirectory => Path.Combine(_dir, "data");

    private async Task<(int Code, string Out, string Err)> Run(IReadOnlyList<string> candidates, params string[] args) =>
        await Run(candidates, new Dictionary<string, string>(StringComparer.Ordinal) { ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "" }, args);

    private async Task<(int Code, string Out, string Err)> Run(IReadOnlyList<string> candidates, Dictionary<string, string> variables, params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        var env = new CliEnvironment
        {
            Out = o,
            Err = e,
            ConfigDirectory = Path.Combine(_dir, "config"),
            DataDirectory = DataDirectory,
            ClamdCandidates = candidates,
            Variables = variables,
        };
        var code = await CliApp.RunAsync(args, env);
        return (code, o.ToString(), e.ToString());
    }

    private string Write(string name, byte[] content)
    {
        var p = Path.Combine(_dir, name);
        File.WriteAllBytes(p, content);
        return p;
    }

    private static byte[] Eicar() => Encoding.ASCII.GetBytes(@"X5O!P%@AP[4\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");

    private string MissingSocket => "unix:" + Path.Combine(_dir, "no-such", "clamd.ctl");

    private static string ClosedPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return $"tcp://127.0.0.1:{((IPEndPoint)l.LocalEndpoint).Port}";
    }

    [Fact]
    public async Task Check_finds_a_clamd_where_the_os_package_listens_and_scans_with_it()
    {
        var eicar = Write("eicar.com", Eicar());

        var (code, output, err) = await Run([MissingSocket, ClosedPort(), Clamd], "check", eicar, "--format", "json");

        Assert.Equal(ExitCodes.GateSaidNo, code);
        Assert.Contains($"using the clamd at {Clamd}", err, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(output);
        Assert.Equal("reject", report.RootElement.GetProperty("verdict").GetString());
        Assert.Contains(report.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("ruleId").GetString() == "malware.clamav");
    }

    [Fact]
    public async Task Without_any_clamd_check_stays_incomplete_and_names_both_ways_and_where_it_looked()
    {
        var file = Write("hello.txt", "hello"u8.ToArray());
        var closed = ClosedPort();

        var (code, output, _) = await Run([MissingSocket, closed], "check", file);

        Assert.Equal(ExitCodes.Incomplete, code);
        Assert.Contains("required engine clamav is not configured", output, StringComparison.Ordinal);
        Assert.Contains("gatehouse engines start", output, StringComparison.Ordinal);
        Assert.Contains("--clamd tcp://HOST:PORT|unix:/path", output, StringComparison.Ordinal);
        Assert.Contains(MissingSocket, output, StringComparison.Ordinal);
        Assert.Contains(closed, output, StringComparison.Ordinal);

        // JSON keeps the gate's reason untouched (parity with the server) and puts the hint on stderr.
        var json = await Run([closed], "check", file, "--format", "json");
        Assert.Equal(ExitCodes.Incomplete, json.Code);
        using var report = JsonDocument.Parse(json.Out);
        Assert.Equal(["required engine clamav is not configured"], report.RootElement.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("hint: clamav: no clamd found", json.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Something_that_does_not_answer_PONG_is_not_taken_for_clamd()
    {
        using var impostor = new TcpListener(IPAddress.Loopback, 0);
        impostor.Start();
        var serving = Task.Run(async () =>
        {
            using var client = await impostor.AcceptTcpClientAsync();
            var stream = client.GetStream();
            _ = await stream.ReadAtLeastAsync(new byte[64], 1, throwOnEndOfStream: false);
            await stream.WriteAsync("HTTP/1.1 400 Bad Request\r\n\r\n"u8.ToArray());
        });
        var endpoint = $"tcp://127.0.0.1:{((IPEndPoint)impostor.LocalEndpoint).Port}";

        var (code, output, _) = await Run([endpoint], "engines", "status");
        await serving;

        Assert.Equal(ExitCodes.Incomplete, code);
        Assert.Contains("clamav: none found", output, StringComparison.Ordinal);
        Assert.Contains(endpoint, output, StringComparison.Ordinal);
        Assert.DoesNotContain("answers", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clamd_off_turns_discovery_off_even_when_one_answers()
    {
        var eicar = Write("eicar.com", Eicar());

        var (code, output, err) = await Run([Clamd], "check", eicar, "--clamd", "off");

        Assert.Equal(ExitCodes.Incomplete, code);
        Assert.DoesNotContain("using the clamd", err, StringComparison.Ordinal);
        Assert.Contains("turned off", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Engines_start_runs_a_private_clamd_with_the_bundled_and_the_given_signatures_that_check_then_uses()
    {
        // A signature folder standing in for freshclam's: one extended signature for a marker only this test knows.
        var marker = "GATEHOUSE-ENGINES-TEST-" + Convert.ToHexString(Guid.NewGuid().ToByteArray());
        var database = Directory.CreateDirectory(Path.Combine(_dir, "freshclam")).FullName;
        File.WriteAllText(Path.Combine(database, "local.ndb"), $"Gatehouse.Test.EnginesMarker:0:*:{Convert.ToHexStringLower(Encoding.ASCII.GetBytes(marker))}\n");
        File.WriteAllText(Path.Combine(database, "freshclam.dat"), "not a signature file");

        var (code, output, err) = await Run([], "engines", "start", "--database", database);

        Assert.True(code == ExitCodes.Ok, err);
        var endpoint = output.Split('\n')[0];
        var socket = Path.Combine(DataDirectory, "engines", "clamd", "clamd.sock");
        Assert.Equal("unix:" + socket, endpoint);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(DataDirectory, "engines", "clamd")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));
        Assert.Contains("local.ndb", err, StringComparison.Ordinal);
        Assert.DoesNotContain("freshclam.dat", err, StringComparison.Ordinal);

        // check finds it without being told (no candidates, no GATEHOUSE_CLAMD), with the bundled and the linked signatures.
        var eicar = await Run([], "check", Write("eicar.com", Eicar()));
        Assert.Equal(ExitCodes.GateSaidNo, eicar.Code);
        Assert.Contains($"using the clamd at {endpoint}", eicar.Err, StringComparison.Ordinal);
        var marked = await Run([], "check", Write("notes.txt", Encoding.ASCII.GetBytes("before " + marker + " after")), "--format", "json");
        Assert.Equal(ExitCodes.GateSaidNo, marked.Code);
        Assert.Contains("Gatehouse.Test.EnginesMarker", marked.Out, StringComparison.Ordinal);

        // A second start finds it running; the JSON names it.
        var again = await Run([], "engines", "start", "--format", "json");
        Assert.Equal(ExitCodes.Ok, again.Code);
        using (var json = JsonDocument.Parse(again.Out))
        {
            Assert.True(json.RootElement.GetProperty("alreadyRunning").GetBoolean());
            Assert.Equal(endpoint, json.RootElement.GetProperty("endpoint").GetString());
        }
        var pid = int.Parse(File.ReadAllText(Path.Combine(DataDirectory, "engines", "clamd", "clamd.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        var stop = await Run([], "engines", "stop");
        Assert.Equal(ExitCodes.Ok, stop.Code);
        Assert.True(ProcessIsGone(pid), "clamd still runs after 'engines stop'");
        var after = await Run([], "check", Write("hello.txt", "hello"u8.ToArray()));
        Assert.Equal(ExitCodes.Incomplete, after.Code);
    }

    [Fact]
    public async Task Engines_start_without_clamd_installed_says_how_to_install_it()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal) { ["GATEHOUSE_CLAMD_BIN"] = Path.Combine(_dir, "no-clamd") };

        var (code, _, err) = await Run([], variables, "engines", "start");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("cli.engine-missing", err, StringComparison.Ordinal);
        Assert.Contains("apt-get install clamav-daemon", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(DataDirectory, "engines")));
    }

    private static bool ProcessIsGone(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return p.HasExited || p.ProcessName != "clamd";
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
