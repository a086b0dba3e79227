using Gatehouse.Fuzz;

// Gatehouse.Fuzz list                         the targets and their entry points
// Gatehouse.Fuzz <target>                     one afl-fuzz child (bench/fuzz.sh runs it under afl-fuzz, instrumented)
// Gatehouse.Fuzz <target> --replay PATH       runs a file, or every file of a folder, once in-process; exit 1 on a crash or hang
// Gatehouse.Fuzz <target> --seeds DIR         writes the generated seeds (bench/fuzz.sh adds fuzz/corpus/<target>/)
// Instrumented code (bench/fuzz.sh runs sharpfuzz on Gatehouse.Analysis.dll) writes every branch into afl's shared map,
// which SharpFuzz attaches only inside Fuzzer.OutOfProcess.Run; listing, seeding, replaying and the harnesses' static
// set-up run instrumented code before (or without) it, so they get a private map of their own.
unsafe
{
    if (SharpFuzz.Common.Trace.SharedMem == null)
        SharpFuzz.Common.Trace.SharedMem = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(1 << 17);
}
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: Gatehouse.Fuzz list | <target> [--replay FILE|DIR | --seeds DIR]");
    return 2;
}
if (args[0] == "list")
{
    foreach (var t in FuzzTargets.All) Console.WriteLine($"{t.Name}\t{t.EntryPoint}");
    return 0;
}
var target = FuzzTargets.Find(args[0]);
if (target is null)
{
    Console.Error.WriteLine($"unknown target {args[0]}; `list` names them");
    return 2;
}
if (args.Length == 3 && args[1] == "--replay")
{
    var failures = Replay.Run(target, Replay.Inputs(args[2]), TimeSpan.FromSeconds(10));
    foreach (var f in failures) Console.Error.WriteLine(f);
    Console.WriteLine($"{target.Name}: {(failures.Count == 0 ? "ok" : failures.Count + " failing")}");
    return failures.Count == 0 ? 0 : 1;
}
if (args.Length == 3 && args[1] == "--seeds")
{
    Directory.CreateDirectory(args[2]);
    foreach (var (name, bytes) in target.Seeds()) File.WriteAllBytes(Path.Combine(args[2], name), bytes);
    return 0;
}
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: Gatehouse.Fuzz list | <target> [--replay FILE|DIR | --seeds DIR]");
    return 2;
}
// afl-fuzz's child: each input arrives on stdin (or afl's file); an escaping exception is a crash.
SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target.Run(buffer.ToArray());
});
return 0;
