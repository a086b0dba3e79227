using System.Globalization;

namespace Gatehouse.Bench.Cluster;

/// <summary>
/// Asks bench/cluster.sh to act on the processes it started: the driver writes <c>{name}.req</c> (the argument, written
/// to a temporary name and renamed, so the script never reads half of it) into the control folder; the script does it
/// and answers <c>{name}.done</c> (a line of its own) or <c>{name}.failed</c>.
/// </summary>
internal sealed class ScriptControl(string directory, Progress log)
{
    public async Task<string> AskAsync(string name, string argument, TimeSpan timeout)
    {
        var request = Path.Combine(directory, name + ".req");
        var done = Path.Combine(directory, name + ".done");
        var failed = Path.Combine(directory, name + ".failed");
        await File.WriteAllTextAsync(request + ".tmp", argument + "\n");
        File.Move(request + ".tmp", request, overwrite: true);
        log.Say($"asked the script: {name} {argument}");
        var until = log.Elapsed + timeout;
        while (log.Elapsed < until)
        {
            if (File.Exists(done)) return (await File.ReadAllTextAsync(done)).Trim();
            if (File.Exists(failed)) throw new InvalidOperationException($"the script could not {name} {argument}: {(await File.ReadAllTextAsync(failed)).Trim()}");
            await Task.Delay(50);
        }
        throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"the script did not {name} {argument} within {timeout.TotalSeconds:0} s"));
    }
}
