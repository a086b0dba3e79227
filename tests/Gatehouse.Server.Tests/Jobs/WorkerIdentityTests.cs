using Gatehouse.Server.Jobs;

namespace Gatehouse.Server.Tests.Jobs;

/// <summary>Which lease owners are known dead: only processes of this machine that are certainly gone.</summary>
public sealed class WorkerIdentityTests
{
    private static int UnusedPid()
    {
        var pid = 4_194_000;
        while (Directory.Exists($"/proc/{pid}")) pid--;
        return pid;
    }

    [Fact]
    public void This_process_is_not_dead() => Assert.False(WorkerIdentity.IsKnownDead(WorkerIdentity.Current));

    [Fact]
    public void A_process_of_this_machine_that_no_longer_runs_is_dead() =>
        Assert.True(WorkerIdentity.IsKnownDead($"{Environment.MachineName}:{UnusedPid()}:1764000000000"));

    [Fact]
    public void This_pid_with_another_start_time_is_a_dead_predecessor_not_this_process()
    {
        var parts = WorkerIdentity.Current.Split(':');
        Assert.True(WorkerIdentity.IsKnownDead($"{parts[0]}:{parts[1]}:{long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture) - 60_000}"));
    }

    [Theory]
    [InlineData("another-machine:1:1764000000000")] // its lease lapses instead
    [InlineData("dead-machine:1")]                  // an older owner format
    [InlineData("")]
    [InlineData("x:y:z")]
    public void Owners_that_cannot_be_checked_are_not_taken_for_dead(string owner) => Assert.False(WorkerIdentity.IsKnownDead(owner));

    [Fact]
    public void A_running_process_of_this_machine_with_its_own_start_time_is_alive()
    {
        // pid 1 runs, and its start time is read the same way as the owner's was.
        using var init = System.Diagnostics.Process.GetProcessById(1);
        var start = new DateTimeOffset(init.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds();
        Assert.False(WorkerIdentity.IsKnownDead($"{Environment.MachineName}:1:{start}"));
    }
}
