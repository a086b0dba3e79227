using Gatehouse.Server.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Server.Data.Blobs;

/// <summary>The result of receiving an upload: the stored blob, or the problem to answer with.</summary>
public sealed record BlobUpload(BlobRef? Blob, ProblemHttpResult? Problem);

/// <summary>
/// Receives a request body as a blob for an organisation: streamed (never buffered whole), hashed on the way, refused
/// as soon as it passes <c>limit</c> or the organisation's remaining quota (by Content-Length before reading, by
/// counting while reading, chunked bodies included), and refused when empty. The one way uploads take files (scans,
/// versions, evidence, API and console). Callers authorise before calling: nothing here reads a byte before the
/// size and quota checks, and nothing is read at all for an organisation already at its quota.
/// </summary>
internal static class BlobUploads
{
    /// <param name="orgId">The organisation the upload is stored for; its quota applies and the blob is recorded as its upload.</param>
    /// <param name="what">What the body is, for messages ("artifact", "file").</param>
    /// <param name="setting">The setting that sets <paramref name="limit"/>, named in the 413 problem.</param>
    public static async Task<BlobUpload> ReceiveAsync(HttpContext http, Guid orgId, IBlobStore blobs, long limit, string what, string setting, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(blobs);
        if (http.Request.ContentLength > limit) return new(null, TooLarge(what, limit, setting));
        var sizeFeature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = limit;
        return await ReceiveAsync(http.Request.Body, http.Request.ContentLength, http, orgId, blobs, limit, what, setting, ct);
    }

    /// <summary>The same for a stream that is not the request body (a form's file in the console).</summary>
    public static async Task<BlobUpload> ReceiveAsync(Stream body, long? length, HttpContext http, Guid orgId, IBlobStore blobs, long limit,
        string what, string setting, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(blobs);
        if (length > limit) return new(null, TooLarge(what, limit, setting));
        var quotas = http.RequestServices.GetRequiredService<BlobQuotas>();
        var remaining = await quotas.RemainingAsync(orgId, ct);
        // Refused before reading a byte when the organisation is full or the declared length would not fit.
        if (remaining is { } r && (r == 0 || length > r)) return new(null, QuotaExceeded(quotas.Quota, r));
        var effective = remaining is { } left ? Math.Min(limit, left) : limit;
        BlobRef blob;
        try
        {
            blob = await blobs.PutAsync(new LimitedReadStream(body, effective), ct);
        }
        catch (BlobTooLargeException ex)
        {
            if (ex.Limit == effective && effective < limit) return new(null, QuotaExceeded(quotas.Quota, remaining!.Value));
            return new(null, ex.Limit == limit ? TooLarge(what, limit, setting)
                : Problems.Of(StatusCodes.Status413PayloadTooLarge, ProblemCodes.BlobTooLarge, $"The {what} is too large", $"the limit is {ex.Limit} bytes (Blobs:MaxBytes)"));
        }
        if (blob.Length == 0) return new(null, Problems.Invalid($"the request body (the {what}) is empty"));
        await quotas.RecordAsync(orgId, blob, ct);
        return new(blob, null);
    }

    private static ProblemHttpResult TooLarge(string what, long limit, string setting) =>
        Problems.Of(StatusCodes.Status413PayloadTooLarge, ProblemCodes.TooLarge, $"The {what} is too large", $"the limit is {limit} bytes ({setting})");

    // 413, not 507: the refusal is about this organisation's allotment, not a server fault, so clients must not retry
    // it as a transient 5xx; the distinct code tells it apart from a file that is too large by itself.
    private static ProblemHttpResult QuotaExceeded(long quota, long remaining) =>
        Problems.Of(StatusCodes.Status413PayloadTooLarge, ProblemCodes.BlobQuotaExceeded, "The organisation's storage quota is exceeded",
            $"the organisation may store {quota} bytes (Blobs:OrgQuotaBytes) and has {remaining} bytes left; files that no version, evidence or scan uses are deleted after Blobs:RetentionGracePeriod");
}
