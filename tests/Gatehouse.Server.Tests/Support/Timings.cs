using System.Diagnostics;

namespace Gatehouse.Server.Tests.Support;

/// <summary>
/// When <c>GATEHOUSE_TEST_TIMINGS</c> names a file, each test server's start and stop time is appended to it
/// (tab-separated: phase, milliseconds, test), to find where the suite's time goes. Off by default.
/// </summary>
internal static class Timings
{
    private static readonly string? File = Environment.GetEnvironmentVariable("GATEHOUSE_TEST_TIMINGS");
    private static readonly Lock Gate = new();

    /// <summary>Whether timings are being recorded.</summary>
    public static bool On => !string.IsNullOrEmpty(File);

    /// <summary>The test method that is starting a server (empty when timings are off).</summary>
    public static string Caller()
    {
        if (string.IsNullOrEmpty(File)) return "";
        foreach (var frame in new StackTrace().GetFrames())
        {
            var type = frame.GetMethod()?.DeclaringType;
            var owner = type?.DeclaringType ?? type; // async methods run in a nested state machine type
            if (owner is null || owner.Namespace is not { } ns || !ns.StartsWith("Gatehouse.", StringComparison.Ordinal)
                || ns.EndsWith(".Support", StringComparison.Ordinal))
                continue;
            var name = type!.Name.StartsWith('<') ? type.Name[1..type.Name.IndexOf('>', StringComparison.Ordinal)] : frame.GetMethod()!.Name;
            return $"{owner.Name}.{name}";
        }
        return "?";
    }

    public static void Record(string phase, string test, TimeSpan elapsed)
    {
        if (string.IsNullOrEmpty(File)) return;
        lock (Gate) System.IO.File.AppendAllText(File, $"{phase}\t{elapsed.TotalMilliseconds:F0}\t{test}\n");
    }
}
