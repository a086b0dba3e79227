using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gatehouse.Analysis.Signing;

namespace Gatehouse.Cli.Tests.Signing;

/// <summary>Helpers of the sign/verify tests: keys as files, JWKS documents as the server publishes them, openssl.</summary>
internal static class SigningFiles
{
    public static string Write(string dir, string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    public static string Write(string dir, string name, byte[] bytes)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A JWKS as <c>/.well-known/gatehouse/keys</c> serves it: <paramref name="active"/> in keys, <paramref name="retired"/> in retired.</summary>
    public static string Jwks(IEnumerable<PublicKey> active, IEnumerable<(PublicKey Key, string RetiredAt)> retired)
    {
        static string Member(string jwk, string extra) => jwk[..^1] + "," + extra + "}";
        var keys = active.Select(k => Member(k.ToJwk(), "\"status\":\"active\",\"created\":\"2026-01-01T00:00:00Z\""));
        var old = retired.Select(r => Member(r.Key.ToJwk(), $"\"status\":\"retired\",\"retired\":\"{r.RetiredAt}\""));
        return "{\"keys\":[" + string.Join(',', keys) + "],\"retired\":[" + string.Join(',', old) + "]}";
    }

    /// <summary>Runs a tool (openssl) in <paramref name="dir"/>; returns its exit code and output.</summary>
    public static (int Exit, string Output) Run(string dir, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
