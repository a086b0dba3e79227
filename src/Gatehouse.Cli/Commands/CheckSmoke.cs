using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;
using Gatehouse.Analysis.Images.Smoke;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse check IMAGE --type container --smoke</c>: after the scan, the image is run as the gate runs it (umoci +
/// runc, as root) and the result is folded into the report with <see cref="SmokeVerdicts.Apply"/>, as the server does.
/// No runc, not root: the verdict is incomplete (exit 3) with the reason, never a pass.
/// </summary>
internal sealed class CheckSmoke
{
    /// <summary>Overrides where runc is (tests point it at a path that does not exist).</summary>
    public const string RuncVariable = "GATEHOUSE_RUNC";

    private readonly Option<bool> _smoke = new("--smoke")
    {
        Description = "Container images: also run the image (umoci + runc, as root) with a read-only root, loopback-only network and limits.",
    };
    private readonly Option<string?> _command = new("--smoke-command")
    {
        Description = "Health command run inside the started container; must exit 0 (implies --smoke). Quote it as one argument.",
        HelpName = "\"cmd args\"",
    };
    private readonly Option<string?> _http = new("--smoke-http")
    {
        Description = "HTTP endpoint on the container's own 127.0.0.1 that must answer 2xx/3xx, e.g. 8080/health (implies --smoke).",
        HelpName = "PORT[/path]",
    };
    private readonly Option<string?> _timeout = new("--smoke-timeout")
    {
        Description = "Longest the smoke test may take, unpacking included (default 120s): 90s, 2m or seconds.",
        HelpName = "duration",
    };

    public IEnumerable<Option> Options => [_smoke, _command, _http, _timeout];

    /// <summary>What the command line asks for, or null for no smoke test; bad values are usage errors.</summary>
    public (SmokeSpec Spec, SmokeLimits Limits)? Read(ParseResult pr, string? type)
    {
        var command = pr.GetValue(_command);
        var http = pr.GetValue(_http);
        var timeout = pr.GetValue(_timeout);
        if (!pr.GetValue(_smoke) && command is null && http is null) return null;
        if (type is not null && type != "container") throw Usage("--smoke needs --type container (or an image input)");
        if (command is not null && http is not null) throw Usage("--smoke-command and --smoke-http: give one of them");
        var spec = SmokeSpec.Default;
        if (command is not null)
        {
            var argv = SplitCommand(command);
            if (argv.Count == 0) throw Usage("--smoke-command: empty command");
            spec = new SmokeSpec(Command: argv);
        }
        else if (http is not null)
        {
            var (port, path) = ParseHttp(http) ?? throw Usage($"--smoke-http: '{http}' is not PORT[/path]");
            spec = new SmokeSpec(HttpPort: port, HttpPath: path);
        }
        var limits = SmokeLimits.Default;
        if (timeout is not null)
            limits = limits with { Timeout = ParseDuration(timeout) ?? throw Usage($"--smoke-timeout: '{timeout}' is not a duration (90s, 2m or seconds)") };
        return (spec, limits);
    }

    /// <summary>Runs the smoke test of <paramref name="imagePath"/> and folds it into <paramref name="report"/>.</summary>
    public static async Task<ScanReport> ApplyAsync(CliEnvironment env, ScanReport report, string imagePath, (SmokeSpec Spec, SmokeLimits Limits) smoke,
        Policy policy, CancellationToken ct)
    {
        var scratch = LocalScan.CreateScratch(env);
        try
        {
            var runner = new ImageSmokeTest { ScratchDirectory = scratch, RuncPath = env.GetVariable(RuncVariable) };
            if (env.ErrorIsTerminal) env.Err.Write("smoke test: starting the image with runc…\n");
            var result = await runner.RunAsync(imagePath, smoke.Spec, smoke.Limits, ct);
            return SmokeVerdicts.Apply(report, result, policy);
        }
        finally
        {
            try
            {
                Directory.Delete(scratch, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: the folder is private (0700).
            }
        }
    }

    /// <summary>The table's smoke lines.</summary>
    public static void WriteTable(TextWriter o, SmokeResult s)
    {
        var exit = s.ExitCode is { } code ? string.Create(CultureInfo.InvariantCulture, $", exit code {code}") : "";
        o.WriteLine();
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"smoke test: {s.Status.ToUpperInvariant()} ({s.Check}{exit}, {s.DurationMs} ms)"));
        o.WriteLine($"  {Terminal.Sanitize(s.Reason)}");
        if (s.Status != SmokeResult.Passed && s.Log.Length > 0)
        {
            // The end of the log says most about a failure; the whole log is in --format json.
            var lines = s.Log.TrimEnd('\n').Split('\n');
            foreach (var line in lines.Skip(Math.Max(0, lines.Length - 20))) o.WriteLine($"  | {Terminal.Sanitize(line)}");
        }
    }

    /// <summary><c>90s</c>, <c>2m</c>, <c>1h</c> or a number of seconds.</summary>
    /// <summary><c>8080</c> or <c>8080/health</c> as (port, path), or null (<c>--smoke-http</c> of check and submit).</summary>
    internal static (int Port, string Path)? ParseHttp(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var portText = slash < 0 ? text : text[..slash];
        var path = slash < 0 ? "/" : text[slash..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535) return null;
        if (path.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) return null;
        return (port, path);
    }

    internal static TimeSpan? ParseDuration(string text)
    {
        var t = text.Trim();
        var unit = t.Length > 0 && char.IsAsciiLetter(t[^1]) ? t[^1] : 's';
        var number = char.IsAsciiLetter(unit) && t.Length > 0 && char.IsAsciiLetter(t[^1]) ? t[..^1] : t;
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value <= 0) return null;
        return unit switch
        {
            's' => TimeSpan.FromSeconds(value),
            'm' => TimeSpan.FromMinutes(value),
            'h' => TimeSpan.FromHours(value),
            _ => null,
        };
    }

    /// <summary>Splits a command as a shell would for words: whitespace separates, single and double quotes group, no expansion.</summary>
    internal static IReadOnlyList<string> SplitCommand(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in command)
        {
            if (quote is { } q)
            {
                if (c == q) quote = null;
                else word.Append(c);
            }
            else if (c is '\'' or '"') { quote = c; inWord = true; }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else { word.Append(c); inWord = true; }
        }
        if (quote is not null) throw Usage("--smoke-command: unclosed quote");
        if (inWord) words.Add(word.ToString());
        return words;
    }

    private static CliException Usage(string message) => new(ExitCodes.Usage, CliErrorCodes.InvalidArgument, message);
}
