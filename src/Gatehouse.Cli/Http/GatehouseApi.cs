using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Http;

/// <summary>
/// Calls the Gatehouse REST API. Every failure becomes a <see cref="CliException"/> with exit code
/// <see cref="ExitCodes.Incomplete"/>, carrying the server's problem-details <c>code</c> and <c>title</c>
/// when present; commands change the exit code where a response means "no" rather than "could not check".
/// </summary>
internal sealed class GatehouseApi : IDisposable
{
    private const int MaxErrorBodyChars = 64 * 1024;

    private readonly HttpClient _http;
    private readonly Lazy<HttpClient> _upload;
    private readonly Uri _server;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    /// <param name="env">The process environment.</param>
    /// <param name="server">The server's base URL.</param>
    /// <param name="token">Bearer token, if any.</param>
    /// <param name="caCert">PEM file of CAs trusted for the server besides the system's (<c>--ca-cert</c>), if any.</param>
    public GatehouseApi(CliEnvironment env, Uri server, string? token, string? caCert = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        _server = server;
        // The handler belongs to whoever supplied the factory (see CliEnvironment.HttpHandlerFactory).
        _http = new HttpClient(env.HandlerFor(caCert), disposeHandler: false) { Timeout = env.HttpTimeout };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("gatehouse-cli", UserAgentVersion()));
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (token is not null) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _timeout = env.HttpTimeout;
        _time = env.TimeProvider;
        var handlerFactory = () => env.HandlerFor(caCert);
        _upload = new Lazy<HttpClient>(() =>
        {
            // The upload's timeout is an idle timeout (UploadAsync), so this client has none of its own.
            var upload = new HttpClient(handlerFactory(), disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
            foreach (var header in _http.DefaultRequestHeaders) upload.DefaultRequestHeaders.TryAddWithoutValidation(header.Key, header.Value);
            return upload;
        });
    }

    /// <summary>GETs <paramref name="relativePath"/> (no leading slash) under the server URL and reads the JSON body.</summary>
    public Task<T> GetJsonAsync<T>(string relativePath, CancellationToken ct) =>
        SendJsonAsync<T>(HttpMethod.Get, relativePath, null, ct);

    /// <summary>
    /// Sends <paramref name="body"/> (null: no body) as JSON with <paramref name="method"/> to <paramref name="relativePath"/>
    /// and reads the JSON answer.
    /// </summary>
    public Task<T> SendJsonAsync<T>(HttpMethod method, string relativePath, object? body, CancellationToken ct) =>
        SendAsync<T>(method, relativePath, body is null ? null : () => JsonContent.Create(body, options: JsonSerializerOptions.Web), ct);

    /// <summary>Sends the content made by <paramref name="content"/> (null: no body) and reads the JSON answer.</summary>
    public async Task<T> SendAsync<T>(HttpMethod method, string relativePath, Func<HttpContent>? content, CancellationToken ct)
    {
        var what = $"{method.Method} /{relativePath.Split('?')[0]}";
        using var request = new HttpRequestMessage(method, new Uri(_server, relativePath));
        if (content is not null) request.Content = content();
        using var response = await SendAsync(_http, request, ct, ct, $"{what} timed out after {_http.Timeout.TotalSeconds:0} s");
        return await ReadJsonAsync<T>(response, what, ct);
    }

    /// <summary>
    /// PUTs <paramref name="body"/> (<paramref name="length"/> bytes) as <c>application/octet-stream</c>, streamed, and
    /// reads the JSON answer. A large upload may take longer than the request timeout, so here the timeout is an
    /// idle timeout: it is restarted whenever a chunk of the body is sent. <paramref name="progress"/> gets the bytes sent so far.
    /// </summary>
    public Task<T> UploadAsync<T>(string relativePath, Stream body, long length, Action<long>? progress, CancellationToken ct) =>
        UploadAsync<T>(relativePath, body, length, "application/octet-stream", progress, ct);

    /// <summary>As above, with the body's media type (e.g. <c>application/vnd.cyclonedx+json</c> for an SBOM).</summary>
    public async Task<T> UploadAsync<T>(string relativePath, Stream body, long length, string contentType, Action<long>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var what = "PUT /" + relativePath.Split('?')[0];
        using var idle = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, idle.Token);
        var counting = new ProgressStream(body, sent =>
        {
            idle.CancelAfter(_timeout);
            progress?.Invoke(sent);
        });
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(_server, relativePath));
        request.Content = new StreamContent(counting, 81_920);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Content.Headers.ContentLength = length;
        var stalled = $"{what} stalled: nothing sent or received for {_timeout.TotalSeconds:0} s";
        using var response = await SendAsync(_upload.Value, request, linked.Token, ct, stalled);
        try
        {
            return await ReadJsonAsync<T>(response, what, linked.Token);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw Unreachable(stalled, ex);
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        if (_upload.IsValueCreated) _upload.Value.Dispose();
    }

    private async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode) throw await ToFailureAsync(response, what, ct);
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            return await JsonSerializer.DeserializeAsync<T>(body, CliJson.Input, ct)
                ?? throw new JsonException("the body is null");
        }
        catch (JsonException ex)
        {
            throw new CliException(ExitCodes.Incomplete, CliErrorCodes.BadResponse,
                $"unexpected response to {what}: {ex.Message}", (int)response.StatusCode, ex);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(ex.Message, ex);
        }
    }

    /// <summary>
    /// Sends with <paramref name="token"/>; a cancellation that did not come from the caller's <paramref name="ct"/>
    /// is a timeout, reported as unreachable with <paramref name="timeoutText"/>.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken token,
        CancellationToken ct, string timeoutText)
    {
        try
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(ex.Message, ex);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw Unreachable(timeoutText, ex);
        }
    }

    private CliException Unreachable(string reason, Exception inner) =>
        new(ExitCodes.Incomplete, CliErrorCodes.Unreachable, $"cannot reach {Config.ServerUrl.Display(_server)}: {reason}", null, inner);

    private static async Task<CliException> ToFailureAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var statusText = $"HTTP {status}{(response.ReasonPhrase is { Length: > 0 } r ? " " + r : "")}";
        if (status is >= 300 and < 400)
        {
            var location = response.Headers.Location?.ToString() ?? "(no location)";
            return new CliException(ExitCodes.Incomplete, CliErrorCodes.Redirected,
                $"{what}: {statusText}: the server redirects to {location}; use that URL as the server", status);
        }

        var problem = ProblemInfo.TryParse(await ReadLimitedAsync(response, ct));
        var code = problem?.Code ?? (response.StatusCode == HttpStatusCode.Unauthorized ? CliErrorCodes.InvalidToken : null);
        var summary = (problem?.Title, problem?.Detail) switch
        {
            ({ } title, { } detail) => $"{title}: {detail}",
            ({ } title, null) => title,
            (null, { } detail) => detail,
            _ => response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => "the server refused the token (missing, expired or revoked)",
                HttpStatusCode.Forbidden => "the token is not allowed to do this",
                _ => "the server answered with an error",
            },
        };
        return new CliException(ExitCodes.Incomplete, code, $"{summary} ({statusText} from {what})", status, null, problem);
    }

    private static async Task<string> ReadLimitedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var buffer = new char[MaxErrorBodyChars];
            var read = await reader.ReadBlockAsync(buffer.AsMemory(), ct);
            return new string(buffer, 0, read);
        }
        catch (HttpRequestException)
        {
            return "";
        }
    }

    private static string UserAgentVersion()
    {
        // A product token allows no '+'; keep "1.2.0" of "1.2.0+3f2c1d9".
        var v = CliVersion.Value.Split('+')[0];
        return v.Length > 0 && v.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-') ? v : "0";
    }
}
