using Gatehouse.Server.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Server.Data.Blobs;

/// <summary>The result of receiving an upload: the stored blob, or the problem to answer with.</summary>
public sealed record BlobUpload(BlobRef? Blob, ProblemHttpResult? Problem);

/// <summary>
/// Receives a request body as a blob: streamed (never buffered whole), hashed on the way, refused as soon
/// as it passes <c>limit</c> (by Content-Length before reading, by counting for chunked bodies), and
/// refused when empty. The one way APIs take files (scans, versions, evidence).
/// </summary>
public static class BlobUploads
{
    /// <param name="what">What the body is, for messages ("artifact", "file").</param>
    /// <param name="setting">The setting that sets <paramref name="limit"/>, named in the 413 problem.</param>
    public static async Task<BlobUpload> ReceiveAsync(HttpContext http, IBlobStore blobs, long limit, string what, string setting, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(blobs);
        if (http.Request.ContentLength > limit) return new(null, TooLarge(what, limit, setting));
        var sizeFeature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = limit;
        return await ReceiveAsync(http.Request.Body, http.Request.ContentLength, blobs, limit, what, setting, ct);
    }

    /// <summary>The same for a stream that is not the request body (a form's file in the console).</summary>
    public static async Task<BlobUpload> ReceiveAsync(Stream body, long? length, IBlobStore blobs, long limit, string what, string setting, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(blobs);
        if (length > limit) return new(null, TooLarge(what, limit, setting));
        BlobRef blob;
        try
        {
            blob = await blobs.PutAsync(new LimitedReadStream(body, limit), ct);
        }
        catch (BlobTooLargeException ex)
        {
            return new(null, ex.Limit == limit ? TooLarge(what, limit, setting)
                : Problems.Of(StatusCodes.Status413PayloadTooLarge, ProblemCodes.BlobTooLarge, $"The {what} is too large", $"the limit is {ex.Limit} bytes (Blobs:MaxBytes)"));
        }
        return blob.Length == 0 ? new(null, Problems.Invalid($"the request body (the {what}) is empty")) : new(blob, null);
    }

    private static ProblemHttpResult TooLarge(string what, long limit, string setting) =>
        Problems.Of(StatusCodes.Status413PayloadTooLarge, ProblemCodes.TooLarge, $"The {what} is too large", $"the limit is {limit} bytes ({setting})");
}
