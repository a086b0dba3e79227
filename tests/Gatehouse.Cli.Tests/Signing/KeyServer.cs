using System.Net;
using System.Text;

namespace Gatehouse.Cli.Tests.Signing;

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
