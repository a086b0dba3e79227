namespace Gatehouse.Fuzz;

/// <summary>
/// One fuzzing target: a parser of untrusted input and the entry point it calls. <see cref="Run"/> returns normally for
/// any input the parser handles, rejections included (the parser's own exception types, findings, error results); any
/// other exception escapes and is a crash (afl-fuzz records it; <see cref="Replay"/> reports it).
/// </summary>
/// <param name="Name">The name on the command line and the folder under <c>fuzz/corpus/</c> and <c>fuzz/findings/</c>.</param>
/// <param name="EntryPoint">What the harness calls, for docs/fuzzing.md.</param>
/// <param name="Run">The harness: parses one input.</param>
/// <param name="Seeds">Real-looking inputs made in code (archives, images, charts), added to the committed corpus.</param>
internal sealed record FuzzTarget(string Name, string EntryPoint, Action<byte[]> Run, Func<IEnumerable<(string Name, byte[] Bytes)>> Seeds);
