using Gatehouse.Cli;

// Ctrl+C cancels the running command (its HTTP calls stop, exit code 3); a second Ctrl+C kills the process.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (cancellation.IsCancellationRequested) return;
    e.Cancel = true;
    cancellation.Cancel();
};

return await CliApp.RunAsync(args, CliEnvironment.FromProcess(), cancellation.Token);
