using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Gatehouse.Analysis.Questionnaires;

namespace Gatehouse.Bench.Cluster;

/// <summary>
/// Pushes the submissions as a vendor's CI would, <see cref="ClusterSettings.Concurrency"/> at a time: each version is
/// created, gets its artifact, answers and attestation, and is submitted. The steps of one submission alternate
/// between the web instances (create on one, upload on the other, ...), so every step relies on what another instance
/// wrote. A request that an instance cannot answer (it is restarting: refused connection, cut off, 502/503) is sent
/// again to the other instance; a retried step that finds its work done (409) counts as done.
/// </summary>
internal sealed class SubmissionPush(ClusterSettings settings, ClusterSeed world, Progress log)
{
    private const int Attempts = 6;
    private static readonly IReadOnlyDictionary<string, string> Answers = BuildAnswers("downloadable");
    private readonly HttpClient[] _clients = settings.Web.Select(u => ClusterSeed.Client(u, world.VendorToken)).ToArray();
    private int _submitted;
    private int _failed;
    private int _retries;

    public int Submitted => _submitted;
    public int Failed => _failed;
    public int Retries => _retries;

    /// <summary>The versions' names, in order: <c>1.0.0</c>, <c>1.0.1</c>, ...</summary>
    public static string VersionName(int i) => $"1.0.{i}";

    public async Task RunAsync()
    {
        using var gate = new SemaphoreSlim(settings.Concurrency);
        var tasks = Enumerable.Range(0, settings.Submissions).Select(async i =>
        {
            await gate.WaitAsync();
            try { await SubmitAsync(i); }
            finally { gate.Release(); }
        }).ToList();
        var last = 0;
        while (!Task.WhenAll(tasks).IsCompleted)
        {
            await Task.WhenAny(Task.WhenAll(tasks), Task.Delay(TimeSpan.FromSeconds(5)));
            if (_submitted != last) log.Say($"submitted {_submitted} of {settings.Submissions}");
            last = _submitted;
        }
        await Task.WhenAll(tasks);
    }

    private async Task SubmitAsync(int i)
    {
        var version = VersionName(i);
        var path = $"/api/apps/{world.AppSlug}/versions";
        var artifact = Artifact(version);
        var steps = new (string Name, Func<HttpClient, Task<HttpResponseMessage>> Send)[]
        {
            ("create", c => c.PostAsJsonAsync(path, new { version })),
            ("upload", c => c.PutAsync($"{path}/{version}/artifact?name=cluster-app.zip",
                new ByteArrayContent(artifact) { Headers = { ContentType = new("application/octet-stream") } })),
            ("answers", c => c.PutAsJsonAsync($"{path}/{version}/answers", Answers)),
            ("attest", c => c.PostAsJsonAsync($"{path}/{version}/attestation", new { name = "Dana Smith, CISO", accept = true })),
            ("submit", c => c.PostAsJsonAsync($"{path}/{version}/actions", new { action = "submit", reasonCodes = Array.Empty<string>() })),
        };
        for (var s = 0; s < steps.Length; s++)
            if (!await StepAsync(version, steps[s].Name, (i + s) % _clients.Length, steps[s].Send))
            {
                Interlocked.Increment(ref _failed);
                return;
            }
        Interlocked.Increment(ref _submitted);
    }

    private async Task<bool> StepAsync(string version, string step, int first, Func<HttpClient, Task<HttpResponseMessage>> send)
    {
        string? last = null;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var client = _clients[(first + attempt) % _clients.Length];
            if (attempt > 0)
            {
                Interlocked.Increment(ref _retries);
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt));
            }
            try
            {
                using var r = await send(client);
                if (r.IsSuccessStatusCode) return true;
                // A retry of a step the cut-off attempt completed: the version exists, or is submitted already.
                if (attempt > 0 && r.StatusCode == HttpStatusCode.Conflict) return true;
                last = $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}";
                if (r.StatusCode is not (HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.InternalServerError)) break;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                last = $"{client.BaseAddress}: {e.GetType().Name}: {e.Message}";
            }
        }
        log.Say($"FAILED {version} {step}: {last}");
        return false;
    }

    /// <summary>A clean app of a few files and a 256 KiB asset; the version and random bytes make each one's digest its own.</summary>
    private static byte[] Artifact(string version)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, byte[] bytes)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                s.Write(bytes);
            }
            Add("README.md", System.Text.Encoding.UTF8.GetBytes($"# Cluster App {version}\nSynchronises calendars.\n"));
            Add("lib/sync.js", "export function sync(a, b) { return a.concat(b).sort(); }\n"u8.ToArray());
            Add("package.json", System.Text.Encoding.UTF8.GetBytes($"{{\"name\":\"cluster-app\",\"version\":\"{version}\"}}\n"));
            Add("assets/data.bin", RandomNumberGenerator.GetBytes(256 << 10));
        }
        return ms.ToArray();
    }

    /// <summary>Every question answered with an option that scores info (as the server tests' vendor does).</summary>
    private static Dictionary<string, string> BuildAnswers(string type)
    {
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in QuestionnaireSet.LoadEmbedded().Get(type).Items)
            answers[item.Id] = item.Kind == QuestionKind.Text
                ? "We rotate credentials quarterly and on every staff change."
                : item.Options.First(o => o.Score == QuestionScore.Info).Value;
        return answers;
    }
}
