using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Notifications;

/// <summary>The outcome of one delivery attempt: delivered, or the reason it failed (never a secret).</summary>
internal sealed record DeliveryResult(bool Delivered, string? Error = null, bool Permanent = false)
{
    public static readonly DeliveryResult Ok = new(true);
    public static DeliveryResult Failed(string error, bool permanent = false) => new(false, error, permanent);
}

/// <summary>
/// Posts signed webhooks. Its HTTP handler never follows redirects, uses no proxy (a proxy would
/// connect on our behalf, past the address check), and connects only to addresses that
/// <see cref="WebhookAddressGuard"/> allowed, resolved once per connection.
/// </summary>
internal sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _http;
    private readonly IOptions<NotificationsOptions> _options;
    private readonly WebhookAddressGuard _guard;
    private readonly TimeProvider _time;

    public WebhookSender(IOptions<NotificationsOptions> options, WebhookAddressGuard guard, TimeProvider time)
    {
        _options = options;
        _guard = guard;
        _time = time;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = options.Value.WebhookTimeout,
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>POSTs <paramref name="body"/> to <paramref name="url"/>; 2xx is delivered, anything else a failure to retry.</summary>
    public async Task<DeliveryResult> SendAsync(string url, string secret, string eventType, Guid deliveryId, string body, CancellationToken ct)
    {
        if (_guard.CheckUrlForm(url, out var uri) is { } bad) return DeliveryResult.Failed($"refused: {bad}");
        var bytes = Encoding.UTF8.GetBytes(body);
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Gatehouse-Webhooks", "1"));
        request.Headers.Add("Gatehouse-Event", eventType);
        request.Headers.Add("Gatehouse-Delivery", deliveryId.ToString());
        request.Headers.Add("Gatehouse-Timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("Gatehouse-Signature", WebhookSigning.Sign(secret, timestamp, bytes));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Value.WebhookTimeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300) return DeliveryResult.Ok;
            // A redirect is a failure like any other: following it could lead anywhere, including inside.
            var where = status is >= 300 and < 400 ? " (redirects are not followed)" : "";
            return DeliveryResult.Failed($"HTTP {status}{where}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return DeliveryResult.Failed($"timed out after {_options.Value.WebhookTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            var refused = Find<WebhookRefusedException>(ex);
            return DeliveryResult.Failed(refused is not null ? $"refused: {refused.Message}" : $"{ex.HttpRequestError}: {Innermost(ex).Message}");
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = await _guard.ResolveAllowedAsync(context.DnsEndPoint.Host, ct);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is T t) return t;
        return null;
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null) ex = ex.InnerException;
        return ex;
    }

    public void Dispose() => _http.Dispose();
}
