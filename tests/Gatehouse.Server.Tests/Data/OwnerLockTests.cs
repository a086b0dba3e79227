using System.Diagnostics;
using Gatehouse.Server.Data.Scratch;

namespace Gatehouse.Server.Tests.Data;

/// <summary>
/// Owner locks tell a sweep whether the process that wrote leftover files still runs. The writer is a real other
/// process (<c>flock(1)</c>, which takes the same kind of lock), killed with SIGKILL as a crash would.
/// </summary>
public sealed class OwnerLockTests : IDisposable
{
    private readonly string _owners = Directory.CreateTempSubdirectory("gatehouse-owners-").FullName;

    public void Dispose() => Directory.Delete(_owners, recursive: true);

    [Fact]
    public void A_lock_held_by_a_process_reads_alive_until_the_process_is_killed_then_dead()
    {
        var token = OwnerLock.NewToken();
        var file = Path.Combine(_owners, token + ".lock");
        using var holder = Process.Start(new ProcessStartInfo("flock", ["-o", file, "sh", "-c", "echo locked; exec sleep 60"])
        {
            RedirectStandardOutput = true,
        })!;
        try
        {
            Assert.Equal("locked", holder.StandardOutput.ReadLine()); // flock(1) holds the lock before it runs the command
            Assert.Equal(OwnerStatus.Alive, OwnerLock.Probe(_owners, token, out var none));
            Assert.Null(none);
        }
        finally
        {
            holder.Kill(entireProcessTree: true); // SIGKILL: no clean-up runs
            holder.WaitForExit();
        }

        Assert.Equal(OwnerStatus.Dead, OwnerLock.Probe(_owners, token, out var claim));
        Assert.NotNull(claim);
        Assert.Equal(OwnerStatus.Alive, OwnerLock.Probe(_owners, token, out _)); // the claim holds it: no second sweep works on it
        claim.Dispose();
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void A_lock_held_in_this_process_reads_alive_and_its_file_is_private()
    {
        using var held = OwnerLock.Hold(_owners, OwnerLock.NewToken());
        Assert.True(held.Locked);
        Assert.Equal(OwnerStatus.Alive, OwnerLock.Probe(_owners, held.Token, out _));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(held.Path));
        Assert.Empty(Directory.EnumerateFiles(_owners, "*.new"));
    }

    [Fact]
    public void A_released_lock_deletes_its_file_and_an_owner_without_a_file_is_unknown()
    {
        var held = OwnerLock.Hold(_owners, OwnerLock.NewToken());
        held.Dispose();
        Assert.False(File.Exists(held.Path));
        Assert.Equal(OwnerStatus.Unknown, OwnerLock.Probe(_owners, held.Token, out _));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData(".hidden")]
    [InlineData("")]
    public void Names_that_are_not_tokens_are_never_probed(string name)
    {
        Assert.False(OwnerLock.IsToken(name));
        Assert.Equal(OwnerStatus.Unknown, OwnerLock.Probe(_owners, name, out _));
    }

    [Fact]
    public void Dead_owners_lock_files_are_removed_and_live_ones_kept()
    {
        using var live = OwnerLock.Hold(_owners, OwnerLock.NewToken());
        var dead = Path.Combine(_owners, OwnerLock.NewToken() + ".lock");
        File.WriteAllBytes(dead, []); // what a killed process leaves: its lock file, nobody holding it
        Assert.Equal(1, OwnerLock.RemoveDeadOwners(_owners, TimeProvider.System.GetUtcNow()));
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live.Path));
    }
}
