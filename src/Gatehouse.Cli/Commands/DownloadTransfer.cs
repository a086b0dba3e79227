using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Gatehouse.Cli.Http;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// Fetches a signed download URL into a <c>.part</c> file, hashing while it streams. The URL is a bearer URL: it is sent
/// without the CLI's token. A resumed download sends <c>Range: bytes=N-</c> with <c>If-Range</c> set to the ETag the
/// announced digest implies, so the server sends the rest only while the file is the same. The response is bounded by
/// the announced size; the result is checked against the announced digest and the <c>ETag</c>. An interrupted transfer
/// keeps the <c>.part</c>; a mismatch deletes it.
/// </summary>
internal static class DownloadTransfer
{
    private const int BufferSize = 1024 * 1024;

    public sealed record Result(long Size, long ResumedFrom, bool ETagChecked);

    public static async Task<Result> RunAsync(CliEnvironment env, string? caCert, Uri url, string digest, long size, string part, bool resume, string name,
        CancellationToken ct)
    {
        long offset = 0;
        if (File.Exists(part))
        {
            var existing = new FileInfo(part).Length;
            if (!resume) Terminal.WriteWarning(env.Err, $"{part} exists from an earlier download; starting again (--resume continues it)");
            else if (existing >= size || existing == 0) Terminal.WriteWarning(env.Err, $"{part} cannot be continued ({existing} of {size} bytes); starting again");
            else offset = existing;
        }

        // The download host is normally the server's own (or behind the same CA): the same extra trust applies.
        using var client = new HttpClient(env.HandlerFor(caCert), disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        var first = await FetchAsync(env, client, url, digest, size, part, offset, name, ct);
        if (first is not null) return first;
        // A resumed file whose beginning was not this file (an older download of the same name): start again once.
        Terminal.WriteWarning(env.Err, $"{part} did not belong to this file; downloading it again from the start");
        return await FetchAsync(env, client, url, digest, size, part, 0, name, ct)
            ?? throw new InvalidOperationException("a download from the start reports a mismatch by throwing");
    }

    /// <summary>Null: resumed from <paramref name="offset"/> and the result did not match (the caller retries from 0).</summary>
    private static async Task<Result?> FetchAsync(CliEnvironment env, HttpClient client, Uri url, string digest, long size, string part,
        long offset, string name, CancellationToken ct)
    {
        var what = "GET " + url.AbsolutePath; // never the query: it holds the signature
        var etag = "\"" + digest + "\"";
        using var idle = new CancellationTokenSource(env.HttpTimeout, env.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, idle.Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("gatehouse-cli", UserAgentVersion()));
        if (offset > 0)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
            request.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue(etag));
        }

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException(ExitCodes.Incomplete, CliErrorCodes.Unreachable, $"cannot reach {url.Authority}: {ex.Message}", null, ex);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Incomplete, CliErrorCodes.Unreachable,
                $"{what} timed out after {env.HttpTimeout.TotalSeconds:0} s", null, ex);
        }

        using (response)
        {
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    offset = 0; // no range asked, or If-Range did not hold: the whole file comes
                    break;
                case HttpStatusCode.PartialContent when offset > 0:
                    if (response.Content.Headers.ContentRange is not { From: { } from, HasLength: true } range || from != offset || range.Length != size)
                        throw new CliException(ExitCodes.Incomplete, CliErrorCodes.BadResponse,
                            $"unexpected response to {what}: a range that was not asked for ({response.Content.Headers.ContentRange})", 206);
                    break;
                case HttpStatusCode.RequestedRangeNotSatisfiable when offset > 0:
                    // The server's file is shorter than the part: it is not the same file.
                    return null;
                default:
                    throw await FailureAsync(response, what, ct);
            }

            var etagChecked = false;
            if (response.Headers.ETag is { } served)
            {
                if (served.IsWeak || !string.Equals(served.Tag, etag, StringComparison.Ordinal))
                {
                    TryDelete(part);
                    throw Mismatch($"the server announced {digest} but serves a file with ETag {Terminal.Sanitize(served.ToString())}");
                }
                etagChecked = true;
            }
            if (response.Content.Headers.ContentLength is { } length && offset + length != size)
            {
                TryDelete(part);
                throw Mismatch(string.Create(CultureInfo.InvariantCulture,
                    $"the server announced {size} bytes but sends {offset + length}"));
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var received = offset;
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            var progress = new DownloadProgress(env, name, size, offset);
            try
            {
                await using (var file = OpenPart(part, offset))
                {
                    if (offset > 0) await HashExistingAsync(file, offset, hash, buffer, ct);
                    await using var body = await response.Content.ReadAsStreamAsync(linked.Token);
                    while (true)
                    {
                        int n;
                        try
                        {
                            n = await body.ReadAsync(buffer.AsMemory(0, BufferSize), linked.Token);
                        }
                        catch (Exception ex) when (ex is HttpRequestException or IOException
                            || (ex is OperationCanceledException && !ct.IsCancellationRequested))
                        {
                            await file.FlushAsync(CancellationToken.None);
                            throw Interrupted(part, received, size, ex is OperationCanceledException
                                ? $"nothing received for {env.HttpTimeout.TotalSeconds:0} s" : ex.Message, ex);
                        }
                        if (n == 0) break;
                        idle.CancelAfter(env.HttpTimeout);
                        if (received + n > size)
                        {
                            await file.DisposeAsync();
                            TryDelete(part);
                            throw Mismatch(string.Create(CultureInfo.InvariantCulture, $"the server sends more than the {size} bytes it announced"));
                        }
                        hash.AppendData(buffer, 0, n);
                        await WriteAsync(file, part, buffer.AsMemory(0, n), ct);
                        received += n;
                        progress.Report(received);
                    }
                    await file.FlushAsync(ct);
                }
            }
            finally
            {
                progress.Done();
                ArrayPool<byte>.Shared.Return(buffer);
            }

            if (received < size) throw Interrupted(part, received, size, "the connection ended early", null);
            var actual = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
            if (!string.Equals(actual, digest, StringComparison.Ordinal))
            {
                TryDelete(part);
                if (offset > 0) return null;
                throw Mismatch($"the file's digest is {actual}, but the server announced {digest}");
            }
            return new Result(received, offset, etagChecked);
        }
    }

    private static FileStream OpenPart(string part, long offset)
    {
        try
        {
            var file = new FileStream(part, new FileStreamOptions
            {
                Mode = offset > 0 ? FileMode.Open : FileMode.Create, Access = FileAccess.ReadWrite, Share = FileShare.None,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan, BufferSize = 0,
            });
            if (offset > 0 && file.Length != offset) file.SetLength(offset);
            return file;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Incomplete, CliErrorCodes.InvalidArgument, $"cannot write {part}: {ex.Message}", null, ex);
        }
    }

    /// <summary>Feeds the first <paramref name="offset"/> bytes of the part to the hash and leaves the position at its end.</summary>
    private static async Task HashExistingAsync(FileStream file, long offset, IncrementalHash hash, byte[] buffer, CancellationToken ct)
    {
        file.Position = 0;
        var left = offset;
        while (left > 0)
        {
            var n = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(BufferSize, left)), ct);
            if (n == 0) throw new CliException(ExitCodes.Incomplete, CliErrorCodes.InvalidArgument, $"{file.Name} changed while it was read");
            hash.AppendData(buffer, 0, n);
            left -= n;
        }
        file.Position = offset;
    }

    private static async Task WriteAsync(FileStream file, string part, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        try
        {
            await file.WriteAsync(data, ct);
        }
        catch (IOException ex)
        {
            throw new CliException(ExitCodes.Incomplete, CliErrorCodes.InvalidArgument, $"cannot write {part}: {ex.Message}", null, ex);
        }
    }

    private static async Task<CliException> FailureAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        string body;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var chars = new char[16 * 1024];
            body = new string(chars, 0, await reader.ReadBlockAsync(chars.AsMemory(), ct));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            body = "";
        }
        var problem = ProblemInfo.TryParse(body);
        var summary = (problem?.Title, problem?.Detail) switch
        {
            ({ } t, { } d) => $"{t}: {d}",
            ({ } t, null) => t,
            (null, { } d) => d,
            _ => status switch
            {
                403 => "the download link was refused",
                410 => "the file is not available for download",
                >= 300 and < 400 => $"the download link redirects to {response.Headers.Location?.ToString() ?? "(no location)"}, which the CLI does not follow",
                _ => "the download failed",
            },
        };
        // 410: the version was quarantined, suspended or delisted, or the holder is no longer entitled: the answer is no.
        var exit = status == 410 ? ExitCodes.GateSaidNo : ExitCodes.Incomplete;
        var reason = string.Create(CultureInfo.InvariantCulture, $"HTTP {status}{(response.ReasonPhrase is { Length: > 0 } r ? " " + r : "")}");
        return new CliException(exit, problem?.Code, $"{summary} ({reason} from {what})", status, null, problem);
    }

    private static CliException Interrupted(string part, long received, long size, string why, Exception? inner) =>
        new(ExitCodes.Incomplete, CliErrorCodes.DownloadInterrupted, string.Create(CultureInfo.InvariantCulture,
            $"the download stopped after {received:N0} of {size:N0} bytes ({why}); {part} is kept: run the same command with --resume to continue"),
            null, inner);

    private static CliException Mismatch(string message) =>
        new(ExitCodes.DigestMismatch, CliErrorCodes.DigestMismatch, message + "; nothing was saved");

    private static string UserAgentVersion()
    {
        var v = CliVersion.Value.Split('+')[0];
        return v.Length > 0 && v.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-') ? v : "0";
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }
}
