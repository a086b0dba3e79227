using System.Security.Claims;
using System.Text.Json;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Usage.Contracts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Usage;

/// <summary>
/// <c>POST /api/usage/events</c>: a platform without the gateway reports its calls in batches (docs/metering.md). Only
/// administrators (a staff token with the <c>admin</c> scope: the platform's own reporting job, not an app) may send, since
/// the events feed detection that can suspend apps. The body is read by the handler, so it is never read before
/// authorization has passed, and never beyond <c>Usage:IngestionMaxBytes</c>.
/// </summary>
internal static class UsageIngestionApi
{
    public const string Route = "/api/usage/events";

    public static IEndpointRouteBuilder MapUsageIngestionApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, Ingest).RequireAuthorization(Policies.Admin).WithTags("Usage")
            .Accepts<UsageEventBatch>("application/json")
            .WithName("IngestUsageEvents")
            .WithSummary("Report a batch of platform calls for usage monitoring (idempotent by event id).");
        return app;
    }

    public static async Task<Results<Ok<UsageIngestResult>, ProblemHttpResult>> Ingest(
        HttpContext http, ClaimsPrincipal user, UsageIngestion ingestion, IOptions<MeteringOptions> options, CancellationToken ct)
    {
        var o = options.Value;
        var max = o.IngestionMaxBytes;
        if (http.Request.ContentLength > max) return TooLarge(max);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = max;
        var body = await ReadBoundedAsync(http.Request.Body, max, ct);
        if (body is null) return TooLarge(max);
        UsageEventBatch? batch;
        try
        {
            batch = JsonSerializer.Deserialize<UsageEventBatch>(body, JsonSerializerOptions.Web);
        }
        catch (JsonException e)
        {
            return Problems.Invalid($"the body is not a usage event batch: {e.Message}");
        }
        if (batch?.Events is not { } events) return Problems.Invalid("the body must be {\"events\": [...]}");
        if (events.Count > o.IngestionMaxEvents) return Problems.Invalid($"at most {o.IngestionMaxEvents} events per request");
        return TypedResults.Ok(await ingestion.IngestAsync(user.Id(), events, ct));
    }

    private static ProblemHttpResult TooLarge(long max) =>
        Problems.Of(StatusCodes.Status413PayloadTooLarge, ProblemCodes.TooLarge, "The request is too large", $"the limit is {max} bytes");

    /// <summary>The body, or null when it exceeds <paramref name="max"/> bytes (reading stops there).</summary>
    private static async Task<byte[]?> ReadBoundedAsync(Stream body, long max, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > max) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        return buffer.ToArray();
    }
}
