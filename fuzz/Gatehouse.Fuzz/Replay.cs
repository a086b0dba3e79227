namespace Gatehouse.Fuzz;

/// <summary>
/// Runs inputs through a harness once, in this process (what the regression tests and <c>--replay</c> do): an escaping
/// exception is a crash, an input still running after the timeout a hang. A hung thread cannot be stopped in .NET; the
/// replay reports it and moves on (the process ends with it).
/// </summary>
internal static class Replay
{
    /// <summary>A file, or every file under a folder (sorted, so failures read the same on every run).</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> Inputs(string path) =>
        File.Exists(path)
            ? [(path, File.ReadAllBytes(path))]
            : Directory.Exists(path)
                ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => (f, File.ReadAllBytes(f)))
                : [];

    /// <summary>The failures, one line each (empty: every input was handled).</summary>
    public static List<string> Run(FuzzTarget target, IEnumerable<(string Name, byte[] Bytes)> inputs, TimeSpan timeout)
    {
        var failures = new List<string>();
        foreach (var (name, bytes) in inputs)
        {
            var run = Task.Factory.StartNew(() => target.Run(bytes), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            try
            {
                if (!run.Wait(timeout)) failures.Add($"{target.Name} {name}: hang (still running after {timeout.TotalSeconds:0} s)");
            }
            catch (AggregateException e)
            {
                var inner = e.InnerException ?? e;
                failures.Add($"{target.Name} {name}: crash {inner.GetType().FullName}: {inner.Message}\n{inner.StackTrace}");
            }
        }
        return failures;
    }
}
