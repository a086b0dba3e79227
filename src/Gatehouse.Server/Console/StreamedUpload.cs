using System.Text;
using Gatehouse.Server.Data.Blobs;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Gatehouse.Server.Console;

/// <summary>
/// Marks the console page handlers that take a file upload. For those handlers nothing reads the request body before
/// the handler: model binding of form values and files is off (it would spool the whole body to temp files first), and
/// antiforgery is not checked by the framework (that too reads the whole form). The handler authorises the caller from
/// the route, then reads the form with <see cref="StreamedForm"/>, which checks antiforgery on the fields that precede
/// the file and streams the file with the size limit enforced while reading. Every other handler of the page keeps
/// the framework's antiforgery check.
/// </summary>
/// <param name="handlers">The handler names (<c>""</c> for the page's plain <c>OnPost</c>).</param>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class StreamedUploadAttribute(params string[] handlers) : Attribute, IAntiforgeryPolicy, IAsyncAuthorizationFilter, IResourceFilter, IOrderedFilter
{
    // After authentication/authorization filters, where the framework's own antiforgery filter runs.
    public int Order => 1000;

    private bool IsUpload(HttpContext http, RouteData route)
    {
        var name = route.Values["handler"] as string ?? http.Request.Query["handler"].ToString();
        return HttpMethods.IsPost(http.Request.Method) && handlers.Contains(name ?? "", StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The framework's antiforgery check for every other request of the page (this attribute replaces it).</summary>
    public async Task OnAuthorizationAsync(AuthorizationFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.IsEffectivePolicy<IAntiforgeryPolicy>(this) || IsUpload(context.HttpContext, context.RouteData)) return;
        var method = context.HttpContext.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method)) return;
        try
        {
            await context.HttpContext.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context.HttpContext);
        }
        catch (AntiforgeryValidationException)
        {
            context.Result = new AntiforgeryValidationFailedResult();
        }
    }

    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!IsUpload(context.HttpContext, context.RouteData)) return;
        // [DisableFormValueModelBinding]: these factories read (and spool) the whole form when the handler's arguments are bound.
        var factories = context.ValueProviderFactories;
        for (var i = factories.Count - 1; i >= 0; i--)
            if (factories[i] is FormValueProviderFactory or FormFileValueProviderFactory or JQueryFormValueProviderFactory) factories.RemoveAt(i);
    }

    public void OnResourceExecuted(ResourceExecutedContext context) { }
}

/// <summary>What <see cref="StreamedForm.ReadAsync"/> read: the fields before the file and the stored file, or why not.</summary>
/// <param name="Error">A message for the page, or null.</param>
/// <param name="Status">The HTTP status for <paramref name="Error"/> (400 for a form or antiforgery problem, 413 for size).</param>
internal sealed record StreamedFormResult(IReadOnlyDictionary<string, string> Fields, string? FileName, BlobUpload? Upload, string? Error, int Status = 200);

/// <summary>
/// Reads a console <c>multipart/form-data</c> upload as a stream: the small fields first (each and all together bounded),
/// then the antiforgery token among them is checked, and only then is the one file part streamed into the blob store
/// with the size limit enforced while reading. Forms put the token and every field before the file input, so nothing
/// of the file is read from a request that fails antiforgery.
/// </summary>
internal static class StreamedForm
{
    /// <summary>Largest total size of the fields before the file (names and values).</summary>
    public const int MaxFieldBytes = 64 * 1024;

    /// <summary>Room for the multipart framing and fields on top of the file's limit, for the server's body size cap.</summary>
    public const long Overhead = 1024 * 1024;

    /// <param name="receive">
    /// Given the fields, the file part's name and its stream, checks the fields and stores the file (through
    /// <see cref="BlobUploads"/>), or refuses without reading it.
    /// </param>
    public static async Task<StreamedFormResult> ReadAsync(HttpContext http, long limit,
        Func<IReadOnlyDictionary<string, string>, string, Stream, Task<BlobUpload>> receive, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(receive);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        // The server's own cap: the whole request may not exceed the file's limit plus the form's framing.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit + Overhead;
        if (http.Request.ContentLength > limit + Overhead) return new(fields, null, null, "The file is too large.", StatusCodes.Status413PayloadTooLarge);
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary) is not { Length: > 0 and <= 200 } boundary)
            return new(fields, null, null, "The form must be sent as multipart/form-data.", StatusCodes.Status400BadRequest);

        var reader = new MultipartReader(boundary.Value!, http.Request.Body) { HeadersLengthLimit = 16 * 1024, HeadersCountLimit = 16 };
        var budget = MaxFieldBytes;
        MultipartSection? section;
        try
        {
            while ((section = await reader.ReadNextSectionAsync(ct)) is not null)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var cd)
                    || !cd.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    return new(fields, null, null, "The form is malformed.", StatusCodes.Status400BadRequest);
                var name = HeaderUtilities.RemoveQuotes(cd.Name).Value ?? "";
                if (cd.IsFileDisposition())
                {
                    if (!await ValidAntiforgeryAsync(http, fields))
                        return new(fields, null, null, "The form expired or was not sent by this site; reload the page and try again.", StatusCodes.Status400BadRequest);
                    var fileName = HeaderUtilities.RemoveQuotes(cd.FileNameStar.HasValue ? cd.FileNameStar : cd.FileName).Value ?? "";
                    var upload = await receive(fields, fileName, section.Body);
                    return new(fields, fileName, upload, null);
                }
                budget -= Encoding.UTF8.GetByteCount(name);
                var value = await ReadFieldAsync(section.Body, budget, ct);
                if (value is null) return new(fields, null, null, "The form's fields are too large.", StatusCodes.Status400BadRequest);
                budget -= Encoding.UTF8.GetByteCount(value);
                fields[name] = value;
            }
        }
        catch (InvalidDataException)
        {
            return new(fields, null, null, "The form is malformed.", StatusCodes.Status400BadRequest);
        }
        catch (IOException) when (!ct.IsCancellationRequested)
        {
            return new(fields, null, null, "The upload was interrupted.", StatusCodes.Status400BadRequest);
        }
        if (!await ValidAntiforgeryAsync(http, fields))
            return new(fields, null, null, "The form expired or was not sent by this site; reload the page and try again.", StatusCodes.Status400BadRequest);
        return new(fields, null, null, null);
    }

    private static async Task<string?> ReadFieldAsync(Stream body, int budget, CancellationToken ct)
    {
        if (budget <= 0) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int n;
        while ((n = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > budget) return null;
            buffer.Write(chunk, 0, n);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The antiforgery check on the fields read so far: they stand in for the form, so the body is not read again.</summary>
    private static async Task<bool> ValidAntiforgeryAsync(HttpContext http, Dictionary<string, string> fields)
    {
        http.Features.Set<IFormFeature>(new FormFeature(new FormCollection(fields.ToDictionary(f => f.Key, f => new StringValues(f.Value), StringComparer.Ordinal))));
        return await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http);
    }
}
