using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests.Download;

/// <summary>
/// The two halves of a download, on a <see cref="FakeApi"/>: the server's <c>download-url</c> endpoint for <c>acme</c>
/// <c>1.2.0</c>, and the signed URL it hands out (on another host, as with <c>Downloads:BaseUrl</c>), which serves
/// <see cref="Served"/> with an ETag, ranges and <c>If-Range</c> the way ASP.NET Core does. Tests change its fields
/// to make it lie, break or refuse.
/// </summary>
internal sealed class FakeDownloadServer
{
    public const string App = "acme";
    public const string Version = "1.2.0";
    public const string IssuePath = "/api/apps/acme/versions/1.2.0/download-url";
    private static readonly Guid VersionId = Guid.Parse("6f1c3a52-8d0e-4b7a-9c21-5e4f3a2b1c0d");

    public FakeDownloadServer(FakeApi api, int size = 300_000)
    {
        Content = RandomNumberGenerator.GetBytes(size);
        Served = Content;
        api.Route(IssuePath, r =>
        {
            IssueBodies.Add(r.Content!.ReadAsStringAsync().GetAwaiter().GetResult());
            return IssueResponse();
        });
        api.Route(FilePath, Serve);
    }

    /// <summary>The file as published: its digest is what the server announces unless <see cref="AnnouncedDigest"/> says otherwise.</summary>
    public byte[] Content { get; }

    /// <summary>What the signed URL actually sends.</summary>
    public byte[] Served { get; set; }

    public string Digest => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Content));

    public string? AnnouncedDigest { get; set; }

    public string FileName { get; set; } = "acme-sync-1.2.0.zip";

    /// <summary>The ETag the file URL answers with (default: the announced digest, quoted); null: none.</summary>
    public Func<string?>? ETag { get; set; }

    /// <summary>Replaces the issue endpoint's answer (a problem, a 410).</summary>
    public Func<HttpResponseMessage>? IssueOverride { get; set; }

    /// <summary>Replaces the file URL's answer.</summary>
    public Func<HttpRequestMessage, HttpResponseMessage>? ServeOverride { get; set; }

    /// <summary>When set, the body breaks (IOException) after this many bytes of one response.</summary>
    public int? BreakAfter { get; set; }

    public List<string> IssueBodies { get; } = [];

    public List<(RangeHeaderValue? Range, string? IfRange, AuthenticationHeaderValue? Authorization, int Status)> FileRequests { get; } = [];

    private string FilePath => $"/dl/{VersionId:D}/{Digest["sha256:".Length..]}";

    private HttpResponseMessage IssueResponse()
    {
        if (IssueOverride is { } o) return o();
        return FakeApi.JsonResponse(new
        {
            url = $"https://files.gatehouse.test{FilePath}?exp=1893456000&kid=k1&sub=u%3Aabc&rcd=YXR0&sig=" + new string('A', 43),
            expiresAt = "2030-01-01T00:00:00Z",
            digest = AnnouncedDigest ?? Digest,
            size = (long)Content.Length,
            fileName = FileName,
            contentType = "application/zip",
            keyId = "k1",
            via = "gatehouse",
        }, HttpStatusCode.Created);
    }

    private HttpResponseMessage Serve(HttpRequestMessage r)
    {
        var etag = (ETag ?? (() => "\"" + (AnnouncedDigest ?? Digest) + "\""))();
        var range = r.Headers.Range;
        var ifRange = r.Headers.IfRange?.EntityTag?.ToString();
        HttpResponseMessage response;
        if (ServeOverride is { } o) response = o(r);
        else if (range is { Ranges.Count: 1 } && (ifRange is null || ifRange == etag) && range.Ranges.First().From is { } from)
        {
            if (from >= Served.Length) response = new HttpResponseMessage(HttpStatusCode.RequestedRangeNotSatisfiable);
            else
            {
                response = new HttpResponseMessage(HttpStatusCode.PartialContent) { Content = Body(Served.AsSpan((int)from).ToArray()) };
                response.Content.Headers.ContentRange = new ContentRangeHeaderValue(from, Served.Length - 1, Served.Length);
            }
        }
        else response = new HttpResponseMessage(HttpStatusCode.OK) { Content = Body(Served) };
        if (etag is not null && (int)response.StatusCode is 200 or 206) response.Headers.ETag = EntityTagHeaderValue.Parse(etag);
        FileRequests.Add((range, ifRange, r.Headers.Authorization, (int)response.StatusCode));
        return response;
    }

    private HttpContent Body(byte[] bytes)
    {
        HttpContent content = BreakAfter is { } n ? new StreamContent(new BreakingStream(bytes, n)) : new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        if (BreakAfter is null) content.Headers.ContentLength = bytes.Length;
        return content;
    }

    public static HttpResponseMessage Gone(string reason, string detail)
    {
        var body = JsonSerializer.Serialize(new
        {
            type = "https://gatehouse.dev/errors/download.unavailable", title = "This version is not available for download", status = 410,
            detail, code = "download.unavailable", reason,
        }, JsonSerializerOptions.Web);
        return new HttpResponseMessage(HttpStatusCode.Gone)
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/problem+json"),
        };
    }

    /// <summary>A body that sends <c>limit</c> bytes and then fails like a dropped connection.</summary>
    private sealed class BreakingStream(byte[] bytes, int limit) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= limit) throw new IOException("connection reset by peer");
            var n = Math.Min(Math.Min(count, limit - _position), bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
