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

/// <summary>A tiny HTTP server on 127.0.0.1 serving fixed bodies by path (the server's well-known keys), stopped on dispose.</summary>
internal sealed class KeyServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, byte[]> _bodies = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public KeyServer()
    {
        var port = SigningFiles.FreePort();
        Base = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Base + "/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Base { get; }

    public List<string> Requested { get; } = [];

    public KeyServer Serve(string path, string body) => Serve(path, Encoding.UTF8.GetBytes(body));

    public KeyServer Serve(string path, byte[] body)
    {
        lock (_bodies) _bodies[path] = body;
        return this;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            var path = context.Request.Url!.AbsolutePath;
            byte[]? body;
            lock (_bodies)
            {
                Requested.Add(path);
                _bodies.TryGetValue(path, out body);
            }
            context.Response.StatusCode = body is null ? 404 : 200;
            if (body is not null) await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
