using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Gatehouse.Server.Tests.Apps;

namespace Gatehouse.Server.Tests.Crash;

/// <summary>One round's traffic, chosen up front from the seed (so a seed replays the same plan).</summary>
/// <param name="Submissions">New versions: each is created, gets its artifact, answers and attestation, and is submitted, starting at its offset.</param>
/// <param name="Decisions">A reviewer's approve or reject of a version submitted in an earlier round, at its offset (refused unless it is in review).</param>
/// <param name="KillAfterAccepted">The server is killed after this many successful answers (or once the submissions and decisions are done) ...</param>
/// <param name="KillJitter">... and this much later.</param>
internal sealed record BurstPlan(
    int Round,
    IReadOnlyList<(string Version, TimeSpan At)> Submissions,
    IReadOnlyList<(string Version, string Action, TimeSpan At)> Decisions,
    int KillAfterAccepted,
    TimeSpan KillJitter);

/// <summary>
/// Drives a burst against a real server process over HTTP, as a vendor's CI and a reviewer would, concurrently:
/// submissions (create, upload, answer, attest, submit), decisions, and a slow upload that is always in flight (so a kill
/// can land inside one). Every answer is written to a <see cref="BurstLedger"/>; a request the kill cuts off is counted, not
/// an error.
/// </summary>
internal sealed class CrashBurst(Uri server, CrashWorld world)
{
    /// <summary>The slow upload: this many bytes in chunks of <see cref="TrickleChunk"/>, one every <see cref="TrickleGap"/>.</summary>
    private const int TrickleBytes = 256 * 1024;
    private const int TrickleChunk = 8 * 1024;
    private static readonly TimeSpan TrickleGap = TimeSpan.FromMilliseconds(15);

    /// <summary>Runs the burst until <paramref name="stop"/>; what the clients saw goes to <paramref name="ledger"/>.</summary>
    public async Task RunAsync(BurstPlan plan, BurstLedger ledger, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(ledger);
        using var vendor = Client(world.VendorToken);
        using var reviewer = Client(world.ReviewerToken);
        var trickle = TrickleUploadsAsync(vendor, $"{plan.Round}.99.0", ledger, stop);
        await Task.WhenAll(plan.Submissions.Select(s => SubmitAsync(vendor, s.Version, s.At, ledger, stop))
            .Concat(plan.Decisions.Select(d => DecideAsync(reviewer, d.Version, d.Action, d.At, ledger, stop))));
        ledger.Quiet();
        await trickle;
    }

    private HttpClient Client(string token)
    {
        var c = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = server,
            Timeout = TimeSpan.FromSeconds(30),
        };
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return c;
    }

    /// <summary>
    /// One submission from start to end and a look at the review queue, before the burst: the first requests to a fresh
    /// process are slow (just-in-time compilation, first queries), and a burst on a cold server would mostly be waiting.
    /// </summary>
    public async Task<BurstLedger> WarmUpAsync(string version)
    {
        var ledger = new BurstLedger();
        using var vendor = Client(world.VendorToken);
        using var reviewer = Client(world.ReviewerToken);
        await SubmitAsync(vendor, version, TimeSpan.Zero, ledger, CancellationToken.None);
        (await reviewer.GetAsync("/api/review/queue")).Dispose();
        return ledger;
    }

    private string Path(string version, string rest = "") => $"/api/apps/{world.AppSlug}/versions{(version.Length == 0 ? "" : "/" + version)}{rest}";

    private async Task SubmitAsync(HttpClient vendor, string version, TimeSpan at, BurstLedger ledger, CancellationToken stop)
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
            if (!await RecordAsync(version, step, send, ledger, stop)) return;
    }

    private async Task DecideAsync(HttpClient reviewer, string version, string action, TimeSpan at, BurstLedger ledger, CancellationToken stop)
    {
        if (!await WaitAsync(at, stop)) return;
        var text = action == "approve" ? "clean" : "does not meet the requirements";
        if (await RecordAsync(version, action, () => reviewer.PostAsJsonAsync(Path(version, "/actions"),
                new { action, reasonCodes = new[] { "GH-FILE-4" }, text }, stop), ledger, stop) && action == "approve")
            // Published at once, so a kill can also fall between the publication and its signing (issue 19).
            await RecordAsync(version, "publish", () => reviewer.PostAsJsonAsync(Path(version, "/actions"),
                new { action = "publish", reasonCodes = Array.Empty<string>() }, stop), ledger, stop);
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

    /// <summary>Sends one request; false when the chain should stop (refused, cut off, or the burst is over).</summary>
    private static async Task<bool> RecordAsync(string version, string step, Func<Task<HttpResponseMessage>> send, BurstLedger ledger, CancellationToken stop)
    {
        if (stop.IsCancellationRequested) return false;
        try
        {
            using var r = await send();
            if (r.IsSuccessStatusCode)
            {
                ledger.Accepted(version, step);
                return true;
            }
            ledger.Refused(version, step, (int)r.StatusCode);
            return false;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            ledger.CutOff();
            return false;
        }
    }

    private static async Task<bool> WaitAsync(TimeSpan at, CancellationToken stop)
    {
        try
        {
            await Task.Delay(at, stop);
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
