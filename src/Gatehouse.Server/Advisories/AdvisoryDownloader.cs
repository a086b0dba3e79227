using System.Net;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Data.Scratch;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Advisories;

/// <summary>
/// Downloads an advisory export from an operator's URL (<c>Advisories:Sources</c>) into a private file: bounded in size
/// (<c>Advisories:MaxImportBytes</c>, by Content-Length and while reading) and in time (<c>Advisories:DownloadTimeout</c>,
/// headers to last byte), at most 5 redirects and never from https down to http. The URL is the operator's choice, like
/// the database's address, so the endpoint probe's guard against private addresses (<c>PublicAddresses</c>) does not
/// apply: an internal mirror is a legitimate source. Only the scheduled import calls it; a scan never does.
/// </summary>
internal sealed class AdvisoryDownloader : IDisposable
{
    private readonly HttpClient _client;
    private readonly IOptions<AdvisoriesOptions> _options;

    public AdvisoryDownloader(IOptions<AdvisoriesOptions> options)
    {
        _options = options;
        _client = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(30),
            AllowAutoRedirect = true, // .NET never follows https → http
            MaxAutomaticRedirections = 5,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseCookies = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan, // the per-download budget below covers the body as well
        };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("Gatehouse-advisories/1");
    }

    /// <summary>Writes the body at <paramref name="url"/> to the new file <paramref name="target"/>; throws <see cref="AdvisorySourceException"/> saying why not.</summary>
    public async Task DownloadAsync(Uri url, string target, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        var o = _options.Value;
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(o.DownloadTimeout);
        try
        {
            using var response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, budget.Token);
            if (!response.IsSuccessStatusCode)
                throw new AdvisorySourceException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            if (response.Content.Headers.ContentLength > o.MaxImportBytes)
                throw new AdvisorySourceException($"{response.Content.Headers.ContentLength} bytes is over Advisories:MaxImportBytes ({o.MaxImportBytes})");
            await using var body = await response.Content.ReadAsStreamAsync(budget.Token);
            await using var file = new FileStream(target, PrivateFolders.CreateNew(bufferSize: 81920));
            await new LimitedReadStream(body, o.MaxImportBytes).CopyToAsync(file, budget.Token);
            if (file.Length == 0) throw new AdvisorySourceException("the answer is empty");
        }
        catch (BlobTooLargeException)
        {
            throw new AdvisorySourceException($"more than Advisories:MaxImportBytes ({o.MaxImportBytes}) bytes");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new AdvisorySourceException($"no complete answer within Advisories:DownloadTimeout ({o.DownloadTimeout})");
        }
        catch (HttpRequestException e)
        {
            throw new AdvisorySourceException(e.HttpRequestError == HttpRequestError.Unknown ? e.Message : $"{e.HttpRequestError}: {e.Message}");
        }
    }

    public void Dispose() => _client.Dispose();
}
