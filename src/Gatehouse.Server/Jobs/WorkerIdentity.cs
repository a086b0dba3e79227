using System.Diagnostics;
using System.Globalization;

namespace Gatehouse.Server.Jobs;

/// <summary>
/// Who holds a work item's lease: <c>machine:pid:start</c> (the process's start time in Unix milliseconds). The start
/// time tells a restarted process from its dead predecessor even when it gets the same pid (pid 1 in a container), so
/// a process can tell, for leases taken on its own machine, that their owner is dead and reclaim them at once
/// (issue 14) instead of waiting for the lease to lapse. Instances that share a machine name must share a pid
/// namespace (two containers with the same host name would each think the other dead; docs/operations.md).
/// </summary>
internal static class WorkerIdentity
{
    private static readonly long StartMs = StartOf(Process.GetCurrentProcess()) ?? 0;

    /// <summary>This process.</summary>
    public static readonly string Current = string.Create(CultureInfo.InvariantCulture,
        $"{Environment.MachineName}:{Environment.ProcessId}:{StartMs}");

    /// <summary>
    /// True only when <paramref name="owner"/> is a process of this machine that is certainly gone: no process has its
    /// pid, or the one that has it started at another time. Owners on other machines, and anything unreadable, are
    /// not known dead (their leases lapse instead).
    /// </summary>
    public static bool IsKnownDead(string? owner)
    {
        if (owner is null || owner == Current) return false;
        var parts = owner.Split(':');
        if (parts.Length != 3 || parts[0] != Environment.MachineName
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var startMs))
            return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            return StartOf(process) is { } actual && Math.Abs(actual - startMs) > 1000;
        }
        catch (ArgumentException)
        {
            return true; // no process with that pid
        }
        catch (InvalidOperationException)
        {
            return true; // it exited while we looked
        }
    }

    private static long? StartOf(Process process)
    {
        try { return new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds(); }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception) { return null; }
    }
}
