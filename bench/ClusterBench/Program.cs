using System.Diagnostics;
using System.Globalization;
using Gatehouse.Bench.Cluster;

// The driver of bench/cluster.sh (see its header): seeds the cluster's database, pushes submissions through both web
// instances, asks the script (files in --ctl) to SIGKILL the worker that runs a scan and to restart a web instance,
// waits until every submission has its final verdict and checks what must hold. Its last lines are the result.
//
//   ClusterBench --web URL,URL --db CONNECTION --s3 URL --bucket NAME --s3-key KEY --s3-secret SECRET --token-key BASE64
//                --admin-email EMAIL --ctl DIR [--submissions 200] [--concurrency 24] [--wait-seconds 420]
//                [--rate-burst 40] [--rate-per-second 1]
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal)) return Usage();
    options[args[i][2..]] = args[i + 1];
}
string Need(string name) => options.TryGetValue(name, out var v) && v.Length > 0 ? v : throw new ArgumentException($"--{name} is required");
int Number(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

ClusterSettings settings;
try
{
    settings = new ClusterSettings(
        Need("web").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new Uri(u)).ToArray(),
        Need("db"), Need("s3"), Need("bucket"), Need("s3-key"), Need("s3-secret"), Need("token-key"), Need("admin-email"), Need("ctl"),
        Number("submissions", 200), Number("concurrency", 24), TimeSpan.FromSeconds(Number("wait-seconds", 900)),
        Number("rate-burst", 40), Number("rate-per-second", 1));
}
catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException)
{
    Console.Error.WriteLine("cluster: " + e.Message);
    return Usage();
}

var clock = Stopwatch.StartNew();
var log = new Progress(clock);
var control = new ScriptControl(settings.ControlDirectory, log);
var world = await ClusterSeed.CreateAsync(settings, log);
var push = new SubmissionPush(settings, world, log);
var disruption = new Disruption(settings, control, log);

// The submissions and, once scans run, the disruptions: both at once, so the kill lands mid-scan and the restart
// mid-traffic.
var pushing = push.RunAsync();
var disrupting = disruption.RunAsync(pushing);
await Task.WhenAll(pushing, disrupting);
log.Say($"pushed {push.Submitted} of {settings.Submissions} submissions ({push.Retries} requests retried on the other instance, {push.Failed} failed)");

var waited = await Completion.WaitAsync(settings, world, log);
var checks = new ClusterChecks(settings, world, log);
var result = await checks.RunAsync(push.Submitted, disruption);
var rate = await RateLimitCheck.RunAsync(settings, world, log);
var jobCount = await JobCount.RunAsync(settings);

Console.WriteLine($"cluster: killed worker's scan picked up again after {disruption.PickupText}; web restart {disruption.RestartText}; "
    + $"all final {waited.TotalSeconds:0} s after the last submission; run {clock.Elapsed.TotalSeconds:0} s");
Console.WriteLine(jobCount);
Console.WriteLine(rate.Line);
Console.WriteLine(result.Line);
return result.Ok && rate.Ok && push.Failed == 0 && disruption.Ok ? 0 : 1;

static int Usage()
{
    Console.Error.WriteLine("usage: ClusterBench --web URL,URL --db CONNECTION --s3 URL --bucket NAME --s3-key KEY --s3-secret SECRET "
        + "--token-key BASE64 --admin-email EMAIL --ctl DIR [--submissions N] [--concurrency N] [--wait-seconds N] [--rate-burst N] [--rate-per-second N]");
    return 2;
}
