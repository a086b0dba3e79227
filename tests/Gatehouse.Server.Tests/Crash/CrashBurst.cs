using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Server.Tests.Apps;

namespace Gatehouse.Server.Tests.Crash;

/// <summary>One round's traffic, chosen up front from the seed (so a seed replays the same plan).</summary>
/// <param name="Submissions">New versions: each is created, gets its artifact, answers and attestation, and is submitted, starting at its offset.</param>
/// <param name="Decisions">A reviewer's approve or reject of a version submitted in an earlier round, at its offset (refused unless it is in review).</param>
/// <param name="HeldSubmission">A submission of <paramref name="Submissions"/> whose submit waits for the kill point, so a scan starts then.</param>
/// <param name="HeldDecision">A decision on this round's warm-up version (in review by then), sent at the kill.</param>
/// <param name="KillAfterAccepted">The kill point: this many successful answers (or the submissions and decisions done) ...</param>
/// <param name="KillJitter">... then, once an upload, a scan and a download are in flight, the held decision, and the kill this much later.</param>
internal sealed record BurstPlan(
    int Round,
    IReadOnlyList<(string Version, TimeSpan At)> Submissions,
    IReadOnlyList<(string Version, string Action, TimeSpan At)> Decisions,
    string HeldSubmission,
    (string Version, string Action) HeldDecision,
    int KillAfterAccepted,
    TimeSpan KillJitter);

/// <summary>
/// Drives a burst against a real server process over HTTP, as a vendor's CI, a reviewer and a customer would,
/// concurrently: submissions (create, upload, answer, attest, submit), decisions, a slow upload that is always in flight,
/// and customers' downloads of the published version through signed URLs, read slowly so that one is nearly always
/// streaming (so a kill can land inside each). One submission's submit and one decision are held back until the test
/// releases them at its kill point (<see cref="ReleaseSubmission"/>, <see cref="ReleaseDecisionAsync"/>): that puts a scan
/// and a decision in flight when the kill comes, however early or late the kill point falls. Every answer is written to a
/// <see cref="BurstLedger"/>; a request the kill cuts off is counted, not an error.
/// </summary>
internal sealed class CrashBurst(Uri server, CrashWorld world)
{
    /// <summary>The slow upload: this many bytes in chunks of <see cref="TrickleChunk"/>, one every <see cref="TrickleGap"/>.</summary>
    private const int TrickleBytes = 256 * 1024;
    private const int TrickleChunk = 8 * 1024;
    private static readonly TimeSpan TrickleGap = TimeSpan.FromMilliseconds(15);
    /// <summary>Customers downloading at once, each reading <see cref="DownloadChunk"/> bytes every <see cref="DownloadGap"/> (about 0.7 s a file).</summary>
    private const int Downloaders = 2;
    private const int DownloadChunk = 16 * 1024;
    private static readonly TimeSpan DownloadGap = TimeSpan.FromMilliseconds(10);
    /// <summary>The downloaders' receive buffer: small, so the server's side of a slow download stays blocked on the socket.</summary>
    private const int DownloadReceiveBuffer = 16 * 1024;

    /// <summary>Steps that are a reviewer's decision (the publication right after an approval is one too).</summary>
    public static readonly string[] DecisionSteps = ["approve", "reject", "publish"];

    private readonly TaskCompletionSource _submission = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _decision = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _decisionSent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets the held submission's submit go (once its earlier steps are done).</summary>
    public void ReleaseSubmission() => _submission.TrySetResult();

    /// <summary>Sends the held decision; completes once it is handed to the client (or will not be sent).</summary>
    public Task ReleaseDecisionAsync()
    {
        _decision.TrySetResult();
        return _decisionSent.Task;
    }

    /// <summary>Runs the burst until <paramref name="stop"/>; what the clients saw goes to <paramref name="ledger"/>.</summary>
    public async Task RunAsync(BurstPlan plan, BurstLedger ledger, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(ledger);
        using var vendor = Client(world.VendorToken);
        using var reviewer = Client(world.ReviewerToken);
        using var tenant = Client(world.TenantToken);
        using var customer = SlowReader();
        var trickle = TrickleUploadsAsync(vendor, $"{plan.Round}.99.0", ledger, stop);
        var downloads = Enumerable.Range(0, Downloaders).Select(_ => DownloadLoopAsync(tenant, customer, ledger, stop)).ToList();
        var atGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = SubmitAsync(vendor, plan.HeldSubmission, plan.Submissions.Single(s => s.Version == plan.HeldSubmission).At, ledger, stop, atGate);
        var heldDecision = HeldDecisionAsync(reviewer, plan.HeldDecision, ledger, stop);
        await Task.WhenAll(plan.Submissions.Where(s => s.Version != plan.HeldSubmission).Select(s => SubmitAsync(vendor, s.Version, s.At, ledger, stop))
            .Concat(plan.Decisions.Select(d => DecideAsync(reviewer, d.Version, d.Action, d.At, ledger, stop)))
            .Append(atGate.Task));
        ledger.Quiet();
        await Task.WhenAll(downloads.Append(trickle).Append(held).Append(heldDecision));
    }

    private HttpClient Client(string token, SocketsHttpHandler? handler = null)
    {
        var c = new HttpClient(handler ?? new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = server,
            Timeout = TimeSpan.FromSeconds(30),
        };
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return c;
    }

    /// <summary>An anonymous client (a download URL is a bearer URL) with a small receive buffer.</summary>
    private HttpClient SlowReader()
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = DownloadReceiveBuffer };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>
    /// One submission from start to its review, and a look at the review queue, before the burst: the first requests to a
    /// fresh process are slow (just-in-time compilation, first queries), and a burst on a cold server would mostly be
    /// waiting. The version is left in review for the round's held decision.
    /// </summary>
    public async Task<BurstLedger> WarmUpAsync(string version)
    {
        var ledger = new BurstLedger();
        using var vendor = Client(world.VendorToken);
        using var reviewer = Client(world.ReviewerToken);
        await SubmitAsync(vendor, version, TimeSpan.Zero, ledger, CancellationToken.None);
        (await reviewer.GetAsync("/api/review/queue")).Dispose();
        var waited = Stopwatch.StartNew();
        while ((await vendor.GetFromJsonAsync<JsonElement>(Path(version))).GetProperty("version").GetProperty("state").GetString() is "submitted" or "scanning"
               && waited.Elapsed < TimeSpan.FromMinutes(1))
            await Task.Delay(50);
        return ledger;
    }

    private string Path(string version, string rest = "") => $"/api/apps/{world.AppSlug}/versions{(version.Length == 0 ? "" : "/" + version)}{rest}";

    private async Task SubmitAsync(HttpClient vendor, string version, TimeSpan at, BurstLedger ledger, CancellationToken stop, TaskCompletionSource? atGate = null)
    {
        try
        {
            if (!await WaitAsync(at, stop)) return;
            var steps = new (string Step, Func<Task<HttpResponseMessage>> Send)[]
            {
                ("create", () => vendor.PostAsJsonAsync(Path(""), new { version }, stop)),
                ("upload", () => vendor.PutAsync(Path(version, "/artifact?name=acme-sync.zip"),
                    new ByteArrayContent(Samples.CleanApp(version)) { Headers = { ContentType = new("application/octet-stream") } }, stop)),
                ("answers", () => vendor.PutAsJsonAsync(Path(version, "/answers"), LifecycleWorld.Answers("downloadable"), stop)),
                ("attest", () => vendor.PostAsJsonAsync(Path(version, "/attestation"), new { name = "Dana Smith, CISO", accept = true }, stop)),
                ("submit", () => vendor.PostAsJsonAsync(Path(version, "/actions"), new { action = "submit", reasonCodes = Array.Empty<string>() }, stop)),
            };
            foreach (var (step, send) in steps)
            {
                if (step == "submit" && atGate is not null)
                {
                    atGate.TrySetResult();
                    if (!await WaitAsync(_submission.Task, stop)) return;
                }
                if (!await RecordAsync(version, step, send, ledger, stop)) return;
            }
        }
        finally
        {
            atGate?.TrySetResult();
        }
    }

    private async Task DecideAsync(HttpClient reviewer, string version, string action, TimeSpan at, BurstLedger ledger, CancellationToken stop, TaskCompletionSource? sent = null)
    {
        if (!await WaitAsync(at, stop)) return;
        var text = action == "approve" ? "clean" : "does not meet the requirements";
        if (await RecordAsync(version, action, () => reviewer.PostAsJsonAsync(Path(version, "/actions"),
                new { action, reasonCodes = new[] { "GH-FILE-4" }, text }, stop), ledger, stop, sent: sent) && action == "approve")
            // Published at once, so a kill can also fall between the publication and its signing (issue 19).
            await RecordAsync(version, "publish", () => reviewer.PostAsJsonAsync(Path(version, "/actions"),
                new { action = "publish", reasonCodes = Array.Empty<string>() }, stop), ledger, stop);
    }

    private async Task HeldDecisionAsync(HttpClient reviewer, (string Version, string Action) decision, BurstLedger ledger, CancellationToken stop)
    {
        try
        {
            if (!await WaitAsync(_decision.Task, stop)) return;
            await DecideAsync(reviewer, decision.Version, decision.Action, TimeSpan.Zero, ledger, stop, _decisionSent);
        }
        finally
        {
            _decisionSent.TrySetResult();
        }
    }

    /// <summary>Creates a draft and uploads to it again and again, slowly, until the kill: an upload is nearly always in flight.</summary>
    private async Task TrickleUploadsAsync(HttpClient vendor, string version, BurstLedger ledger, CancellationToken stop)
    {
        if (!await RecordAsync(version, "create", () => vendor.PostAsJsonAsync(Path(""), new { version }, stop), ledger, stop)) return;
        while (!stop.IsCancellationRequested)
            if (!await RecordAsync(version, "upload", () => vendor.PutAsync(Path(version, "/artifact?name=acme-sync.zip"),
                    new TrickleContent(RandomNumberGenerator.GetBytes(TrickleBytes), stop), stop), ledger, stop))
                return;
    }

    /// <summary>
    /// A customer again and again: the tenant's administrator asks for a signed URL of the published version, and the
    /// file is fetched through it and read slowly, its length and digest checked, until the kill.
    /// </summary>
    private async Task DownloadLoopAsync(HttpClient tenant, HttpClient customer, BurstLedger ledger, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            string? url = null;
            if (!await RecordAsync(world.DownloadVersion, "issue", () => tenant.PostAsJsonAsync(Path(world.DownloadVersion, "/download-url"),
                    new { tenantId = world.TenantId }, stop), ledger, stop,
                    async r => url = (await r.Content.ReadFromJsonAsync<JsonElement>(stop)).GetProperty("url").GetString()))
                return;
            ledger.Issued(url!);
            if (!await DownloadAsync(customer, url!, ledger, stop)) return;
        }
    }

    /// <summary>One download through <paramref name="url"/>, read slowly; false when the chain should stop.</summary>
    private async Task<bool> DownloadAsync(HttpClient customer, string url, BurstLedger ledger, CancellationToken stop)
    {
        if (stop.IsCancellationRequested) return false;
        ledger.Begin("download");
        ledger.DownloadSent();
        try
        {
            using var r = await customer.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, stop);
            if (r.StatusCode != HttpStatusCode.OK)
            {
                ledger.Refused(world.DownloadVersion, "download", (int)r.StatusCode);
                return false;
            }
            ledger.DownloadAnswered(url);
            var (length, digest) = await ReadSlowlyAsync(await r.Content.ReadAsStreamAsync(stop), stop);
            if (length != world.DownloadSize || digest != world.DownloadDigest)
                ledger.Corrupt($"a download ended after {length} of {world.DownloadSize} bytes, {digest} (the file is {world.DownloadDigest})");
            else
                ledger.Accepted(world.DownloadVersion, "download");
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            ledger.CutOff("download");
            return false;
        }
        finally
        {
            ledger.End("download");
        }
    }

    private static async Task<(long Length, string Digest)> ReadSlowlyAsync(Stream body, CancellationToken stop)
    {
        await using (body)
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[DownloadChunk];
            long length = 0;
            int n;
            while ((n = await body.ReadAsync(buffer, stop)) > 0)
            {
                sha.AppendData(buffer, 0, n);
                length += n;
                await Task.Delay(DownloadGap, stop);
            }
            return (length, "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset()));
        }
    }

    /// <summary>
    /// After the restart: the last URL handed out before the kill (still valid) and a newly issued one each serve the
    /// whole file, byte for byte. Returns how many downloads were sent and answered (they are recorded too) and what went wrong.
    /// </summary>
    public async Task<(int Sent, int Answered, int Issued, List<string> Problems)> CheckDownloadsAsync(string? stillValid)
    {
        using var tenant = Client(world.TenantToken);
        using var customer = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        var problems = new List<string>();
        int sent = 0, answered = 0, issued = 0;
        using var r = await tenant.PostAsJsonAsync(Path(world.DownloadVersion, "/download-url"), new { tenantId = world.TenantId });
        if (r.StatusCode != HttpStatusCode.Created)
            problems.Add($"download: a URL asked for after the restart was answered {(int)r.StatusCode}");
        else
            issued++;
        var urls = new List<(string What, string Url)>();
        if (stillValid is not null) urls.Add(("a URL issued before the kill", stillValid));
        if (r.StatusCode == HttpStatusCode.Created)
            urls.Add(("a URL issued after the restart", (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!));
        foreach (var (what, url) in urls)
        {
            sent++;
            // Path and query only: a URL of the killed server names its port, the restarted one listens on another.
            using var got = await customer.GetAsync(new Uri(url).PathAndQuery);
            if (got.StatusCode != HttpStatusCode.OK)
            {
                problems.Add($"download: {what} was answered {(int)got.StatusCode} after the restart");
                continue;
            }
            answered++;
            var bytes = await got.Content.ReadAsByteArrayAsync();
            var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (bytes.Length != world.DownloadSize || digest != world.DownloadDigest)
                problems.Add($"download: {what} served {bytes.Length} bytes, {digest}; the file is {world.DownloadSize} bytes, {world.DownloadDigest}");
        }
        return (sent, answered, issued, problems);
    }

    /// <summary>
    /// Sends one request; false when the chain should stop (refused, cut off, or the burst is over). <paramref name="sent"/>
    /// completes once the request is handed to the client; <paramref name="read"/> reads a successful answer.
    /// </summary>
    private static async Task<bool> RecordAsync(string version, string step, Func<Task<HttpResponseMessage>> send, BurstLedger ledger, CancellationToken stop,
        Func<HttpResponseMessage, Task>? read = null, TaskCompletionSource? sent = null)
    {
        if (stop.IsCancellationRequested) return false;
        ledger.Begin(step);
        try
        {
            var call = send();
            sent?.TrySetResult();
            using var r = await call;
            if (r.IsSuccessStatusCode)
            {
                if (read is not null) await read(r);
                ledger.Accepted(version, step);
                return true;
            }
            ledger.Refused(version, step, (int)r.StatusCode);
            return false;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            ledger.CutOff(step);
            return false;
        }
        finally
        {
            ledger.End(step);
        }
    }

    private static Task<bool> WaitAsync(TimeSpan at, CancellationToken stop) => WaitAsync(Task.Delay(at, stop), stop);

    private static async Task<bool> WaitAsync(Task until, CancellationToken stop)
    {
        try
        {
            await until.WaitAsync(stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>A request body that arrives in small chunks with pauses, like an upload over a slow link.</summary>
    private sealed class TrickleContent : HttpContent
    {
        private readonly byte[] _bytes;
        private readonly CancellationToken _stop;

        public TrickleContent(byte[] bytes, CancellationToken stop)
        {
            _bytes = bytes;
            _stop = stop;
            Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < _bytes.Length; offset += TrickleChunk)
            {
                await stream.WriteAsync(_bytes.AsMemory(offset, Math.Min(TrickleChunk, _bytes.Length - offset)), _stop);
                await stream.FlushAsync(_stop);
                await Task.Delay(TrickleGap, _stop);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return true;
        }
    }
}
