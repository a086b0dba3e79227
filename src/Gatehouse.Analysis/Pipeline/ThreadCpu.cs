using System.Runtime.InteropServices;

namespace Gatehouse.Analysis.Pipeline;

/// <summary>The calling thread's CPU time (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>, a vDSO call); zero elsewhere.</summary>
internal static partial class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;
    private static bool s_available = OperatingSystem.IsLinux();

    public static TimeSpan Now()
    {
        if (!s_available) return TimeSpan.Zero;
        try
        {
            return clock_gettime(ClockThreadCpuTimeId, out var ts) == 0
                ? TimeSpan.FromTicks(ts.Seconds * TimeSpan.TicksPerSecond + ts.Nanoseconds / 100)
                : TimeSpan.Zero;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_available = false; // the profile's CPU columns stay zero; asked once, not on every call
            return TimeSpan.Zero;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int clock_gettime(int clock, out TimeSpec ts);
}
