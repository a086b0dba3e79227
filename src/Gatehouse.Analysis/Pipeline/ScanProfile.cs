using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Gatehouse.Analysis.Pipeline;

/// <summary>
/// Where a scan's time goes, per stage (the root hash, the walker's extraction, each analyzer): calls, bytes, busy time
/// (wall time summed over calls, so concurrent calls add up) and CPU time. CPU time is the calling thread's
/// (<c>CLOCK_THREAD_CPUTIME_ID</c>) over the part of a call that ran synchronously; a call that went asynchronous
/// (waiting for clamd, a file read on the thread pool) counts only its synchronous part, and <see cref="StageTotals.AsyncCalls"/>
/// says how many did. The process's own CPU and wall time frame it. <c>gatehouse check --profile</c> prints it (issue 15).
/// Thread-safe; costs two clock reads per measured call.
/// </summary>
public sealed class ScanProfile
{
    private readonly ConcurrentDictionary<string, StageTotals> _stages = new(StringComparer.Ordinal);
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly TimeSpan _cpuAtStart = CurrentProcessCpu();

    /// <summary>Starts timing one call of <paramref name="stage"/>; dispose or <see cref="Timing.Stop"/> it when the call returns.</summary>
    public Timing Start(string stage) => new(this, stage, Stopwatch.GetTimestamp(), ThreadCpu.Now(), Environment.CurrentManagedThreadId);

    /// <summary>Adds one call's numbers to <paramref name="stage"/>.</summary>
    public void Add(string stage, TimeSpan busy, TimeSpan cpu, long bytes, bool wentAsync)
    {
        var t = _stages.GetOrAdd(stage, static _ => new StageTotals());
        Interlocked.Increment(ref t.CallCount);
        Interlocked.Add(ref t.BusyTicks, busy.Ticks);
        Interlocked.Add(ref t.CpuTicks, cpu.Ticks);
        Interlocked.Add(ref t.ByteCount, bytes);
        if (wentAsync) Interlocked.Increment(ref t.AsyncCallCount);
    }

    /// <summary>The stages measured so far, by name.</summary>
    public IReadOnlyDictionary<string, StageTotals> Stages => _stages;

    /// <summary>A table for people (stderr of <c>gatehouse check --profile</c>), busiest stage first.</summary>
    public string Format()
    {
        var inv = CultureInfo.InvariantCulture;
        var wall = Stopwatch.GetElapsedTime(_started);
        var cpu = CurrentProcessCpu() - _cpuAtStart;
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(inv, $"profile: wall {wall.TotalSeconds:0.000} s, process CPU {cpu.TotalSeconds:0.000} s ({Environment.ProcessorCount} cores)"));
        var gc = GC.GetGCMemoryInfo();
        using (var self = Process.GetCurrentProcess())
        {
            sb.AppendLine(string.Create(inv,
                $"memory: peak RSS {self.PeakWorkingSet64 / 1048576.0:0} MB; GC heap {gc.HeapSizeBytes / 1048576.0:0} MB, committed {gc.TotalCommittedBytes / 1048576.0:0} MB, "
                + $"allocated {GC.GetTotalAllocatedBytes() / 1048576.0:0} MB in all, collections gen0 {GC.CollectionCount(0)} gen1 {GC.CollectionCount(1)} gen2 {GC.CollectionCount(2)}"));
        }
        sb.AppendLine(string.Create(inv, $"{"stage",-22} {"calls",8} {"MB",9} {"busy s",9} {"cpu s",9} {"async",7}"));
        foreach (var (name, t) in _stages.OrderByDescending(kv => kv.Value.Busy).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sb.AppendLine(string.Create(inv,
                $"{name,-22} {t.Calls,8} {t.Bytes / 1048576.0,9:0.0} {t.Busy.TotalSeconds,9:0.000} {t.Cpu.TotalSeconds,9:0.000} {t.AsyncCalls,7}"));
        }
        sb.Append("busy = wall time summed over calls (concurrent calls add up); cpu = the calling thread's CPU over the synchronous part of each call; async = calls that went asynchronous (their awaited part is not in cpu)");
        return sb.ToString();
    }

    private static TimeSpan CurrentProcessCpu()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime;
    }

    /// <summary>One call being timed.</summary>
    public readonly struct Timing : IDisposable
    {
        private readonly ScanProfile? _profile;
        private readonly string _stage;
        private readonly long _start;
        private readonly TimeSpan _cpu;
        private readonly int _thread;

        internal Timing(ScanProfile profile, string stage, long start, TimeSpan cpu, int thread)
        {
            _profile = profile;
            _stage = stage;
            _start = start;
            _cpu = cpu;
            _thread = thread;
        }

        /// <summary>Records the call; <paramref name="wentAsync"/> when the call did not complete synchronously.</summary>
        public void Stop(long bytes = 0, bool wentAsync = false)
        {
            if (_profile is null) return;
            var sameThread = Environment.CurrentManagedThreadId == _thread;
            var cpu = sameThread && !wentAsync ? ThreadCpu.Now() - _cpu : TimeSpan.Zero;
            _profile.Add(_stage, Stopwatch.GetElapsedTime(_start), cpu < TimeSpan.Zero ? TimeSpan.Zero : cpu, bytes, wentAsync || !sameThread);
        }

        /// <summary>The CPU time of the synchronous part, measured now (call right after the synchronous part returned).</summary>
        public TimeSpan SyncCpu() => _profile is not null && Environment.CurrentManagedThreadId == _thread ? ThreadCpu.Now() - _cpu : TimeSpan.Zero;

        public void Dispose() => Stop();
    }
}

/// <summary>The numbers of one stage of a <see cref="ScanProfile"/>.</summary>
public sealed class StageTotals
{
    internal long CallCount;
    internal long BusyTicks;
    internal long CpuTicks;
    internal long ByteCount;
    internal long AsyncCallCount;

    public long Calls => Interlocked.Read(ref CallCount);
    public TimeSpan Busy => TimeSpan.FromTicks(Interlocked.Read(ref BusyTicks));
    public TimeSpan Cpu => TimeSpan.FromTicks(Interlocked.Read(ref CpuTicks));
    public long Bytes => Interlocked.Read(ref ByteCount);
    public long AsyncCalls => Interlocked.Read(ref AsyncCallCount);
}
