using System.Net;
using System.Net.Http.Headers;
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
    private readonly Uri _server;

    public GatehouseApi(CliEnvironment env, Uri server, string? token)
    {
        ArgumentNullException.ThrowIfNull(env);
        _server = server;
        // The handler belongs to whoever supplied the factory (see CliEnvironment.HttpHandlerFactory).
        _http = new HttpClient(env.HttpHandlerFactory(), disposeHandler: false) { Timeout = env.HttpTimeout };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("gatehouse-cli", UserAgentVersion()));
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (token is not null) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>GETs <paramref name="relativePath"/> (no leading slash) under the server URL and reads the JSON body.</summary>
    public async Task<T> GetJsonAsync<T>(string relativePath, CancellationToken ct)
    {
        var uri = new Uri(_server, relativePath);
        var what = "GET /" + relativePath.Split('?')[0];
        using var response = await SendAsync(uri, what, ct);
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

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(Uri uri, string what, CancellationToken ct)
    {
        try
        {
            return await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(ex.Message, ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw Unreachable($"{what} timed out after {_http.Timeout.TotalSeconds:0} s", ex);
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
        return new CliException(ExitCodes.Incomplete, code, $"{summary} ({statusText} from {what})", status);
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
