using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Server.Tests.Notifications;

/// <summary>A webhook request as the receiver saw it.</summary>
public sealed record ReceivedWebhook(string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string Header(string name) => Headers.TryGetValue(name, out var v) ? v : "";
}

/// <summary>
/// A vendor's webhook receiver: a small Kestrel app on 127.0.0.1 (a free port) that records every
/// request and answers with <see cref="Respond"/> (default 200). Started and stopped by each test.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    public ConcurrentQueue<ReceivedWebhook> Requests { get; } = new();

    /// <summary>Decides the answer from the request and how many requests came before it (0-based).</summary>
    public Func<HttpContext, int, Task> Respond { get; set; } = (ctx, _) => { ctx.Response.StatusCode = 200; return Task.CompletedTask; };

    public string BaseUrl { get; private set; } = "";
    public int Port => new Uri(BaseUrl).Port;

    private WebhookReceiver(WebApplication app) => _app = app;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        var count = 0;
        app.Run(async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var headers = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            receiver.Requests.Enqueue(new ReceivedWebhook(ctx.Request.Path, headers, body));
            await receiver.Respond(ctx, Interlocked.Increment(ref count) - 1);
        });
        await app.StartAsync();
        receiver.BaseUrl = app.Urls.First().TrimEnd('/');
        return receiver;
    }

    public string Url(string path = "/hook") => BaseUrl + path;

    /// <summary>
    /// What a vendor does (docs/notifications.md#verifying-a-webhook): HMAC-SHA256 over
    /// "{timestamp}.{body}" with the secret, compared in constant time, and a timestamp no older than 5 minutes.
    /// </summary>
    public static bool Verify(ReceivedWebhook request, string secret, DateTimeOffset now)
    {
        var timestamp = request.Header("Gatehouse-Timestamp");
        if (!long.TryParse(timestamp, out var ts) || Math.Abs(now.ToUnixTimeSeconds() - ts) > 300) return false;
        var expected = Encoding.ASCII.GetBytes("v1=" + Convert.ToHexStringLower(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{request.Body}"))));
        var given = Encoding.ASCII.GetBytes(request.Header("Gatehouse-Signature"));
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
