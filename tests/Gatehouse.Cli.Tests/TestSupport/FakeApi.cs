using System.Net;
using System.Text;
using System.Text.Json;

namespace Gatehouse.Cli.Tests.TestSupport;

/// <summary>An in-memory Gatehouse server: routes by path, records what it was sent.</summary>
internal sealed class FakeApi : HttpMessageHandler
{
    private readonly Dictionary<string, Func<HttpRequestMessage, HttpResponseMessage>> _routes = new(StringComparer.Ordinal);

    public List<RecordedRequest> Requests { get; } = [];

    public FakeApi Route(string path, Func<HttpRequestMessage, HttpResponseMessage> respond)
    {
        _routes[path] = respond;
        return this;
    }

    public FakeApi Json(string path, object body, HttpStatusCode status = HttpStatusCode.OK) =>
        Route(path, _ => JsonResponse(body, status));

    public static HttpResponseMessage JsonResponse(object body, HttpStatusCode status = HttpStatusCode.OK) => new(status)
    {
        Content = new StringContent(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json"),
    };

    public static HttpResponseMessage Problem(HttpStatusCode status, string code, string title) => new(status)
    {
        Content = new StringContent(
            JsonSerializer.Serialize(new { type = "about:blank", title, status = (int)status, code }, JsonSerializerOptions.Web),
            Encoding.UTF8, "application/problem+json"),
    };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(new RecordedRequest(request.Method.Method, request.RequestUri!, request.Headers.Authorization?.ToString()));
        var response = _routes.TryGetValue(request.RequestUri!.AbsolutePath, out var respond)
            ? respond(request)
            : Problem(HttpStatusCode.NotFound, "http.not-found", "Not Found");
        return Task.FromResult(response);
    }
}

internal sealed record RecordedRequest(string Method, Uri Uri, string? Authorization);
