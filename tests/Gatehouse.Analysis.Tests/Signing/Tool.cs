using System.Diagnostics;

namespace Gatehouse.Analysis.Tests.Signing;

/// <summary>Runs an external tool (openssl, node) for the interop tests; a temp folder per instance.</summary>
internal sealed class Tool : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("gh-sign-").FullName;

    public string Write(string name, byte[] bytes) { var p = Path.Combine(Dir, name); File.WriteAllBytes(p, bytes); return p; }

    public string Write(string name, string text) { var p = Path.Combine(Dir, name); File.WriteAllText(p, text); return p; }

    /// <summary>Runs <paramref name="file"/>; returns exit code and combined output.</summary>
    public (int Exit, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Dir };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }

    public void Dispose() { try { Directory.Delete(Dir, true); } catch (IOException) { } }
}
