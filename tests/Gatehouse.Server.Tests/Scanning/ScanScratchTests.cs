using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Cli.Tests.TestSupport;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Data.Scratch;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Scanning;

/// <summary>
/// A scan works in a private folder under the data folder (0700, files 0600), never in the shared temp folder; the
/// folder is gone when the scan ends, however it ends; and what a killed process left is swept at the next start,
/// while a live process's work on the same data folder is left alone.
/// </summary>
public sealed class ScanScratchTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static string Clamd => Environment.GetEnvironmentVariable("GATEHOUSE_TEST_CLAMD")
        ?? throw new InvalidOperationException("GATEHOUSE_TEST_CLAMD is not set; ./test.sh starts clamd and sets it.");

    private static byte[] Zip(int members, int size)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            for (var i = 0; i < members; i++)
                using (var s = zip.CreateEntry($"lib/part{i}.bin", CompressionLevel.NoCompression).Open())
                    s.Write(RandomNumberGenerator.GetBytes(size));
        return ms.ToArray();
    }

    private static async Task<string> UploadAsync(HttpClient client, Guid org, byte[] bytes, string name)
    {
        var upload = await client.PostAsync($"/api/orgs/{org}/scans?name={name}&type=downloadable",
            new ByteArrayContent(bytes) { Headers = { ContentType = new("application/octet-stream") } });
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        return upload.Headers.Location!.OriginalString;
    }

    private static async Task<JsonElement> WaitForScanAsync(HttpClient client, string location)
    {
        for (var i = 0; i < 600; i++)
        {
            var scan = await client.GetFromJsonAsync<JsonElement>(location);
            if (scan.GetProperty("scan").GetProperty("state").GetString() is "done" or "failed") return scan;
            await Task.Delay(50);
        }
        throw new TimeoutException("scan did not finish within 30 s");
    }

    /// <summary>The scan folders of every process under <c>{data}/scratch</c>.</summary>
    private static List<string> ScanFolders(string data) =>
        Directory.EnumerateDirectories(Path.Combine(data, ScratchSpace.FolderName))
            .Where(d => Path.GetFileName(d) != "owners")
            .SelectMany(Directory.EnumerateDirectories).ToList();

    /// <summary>The file's mode, or <see cref="PrivateFile"/> when it was deleted since it was listed.</summary>
    private static UnixFileMode ModeOrPrivate(string path)
    {
        try
        {
            return File.GetUnixFileMode(path);
        }
        catch (FileNotFoundException)
        {
            return PrivateFile;
        }
    }

    private static async Task<T> Eventually<T>(Func<T?> probe, string what) where T : class
    {
        for (var i = 0; i < 400; i++)
        {
            if (probe() is { } found) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException(what);
    }

    [Fact]
    public async Task While_a_scan_runs_its_folder_and_files_are_private_and_when_it_ends_without_clamav_the_folder_is_gone()
    {
        await using var clamd = new StallingClamd();
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite, new Dictionary<string, string?> { ["Scanning:ClamdEndpoint"] = clamd.Endpoint });
        var (dev, token) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        var org = await app.CreateOrganizationAsync(dev.Id);
        using var client = app.ClientWith(token);
        // Members above the engine's in-memory limit (1 MiB), so the walker extracts them into the scan's folder.
        var location = await UploadAsync(client, org.Id, Zip(members: 3, size: Gatehouse.Analysis.Artifacts.ArchiveWalker.DefaultInMemoryMemberBytes + 4096), "vendor-app.zip");

        // clamd never answers, so the scan holds: the artifact and members the walker is extracting sit in its folder.
        var folder = await Eventually(() => ScanFolders(app.DataDirectory).SingleOrDefault(
            d => Directory.EnumerateFiles(d, "*.member").Any()), "no extracted member appeared in a scan folder");
        Assert.StartsWith(Path.Combine(app.DataDirectory, "scratch") + Path.DirectorySeparatorChar, folder, StringComparison.Ordinal);
        Assert.Equal(Private, File.GetUnixFileMode(Path.Combine(app.DataDirectory, "scratch")));
        Assert.Equal(Private, File.GetUnixFileMode(Path.GetDirectoryName(folder)!));
        Assert.Equal(Private, File.GetUnixFileMode(folder));
        var files = Directory.EnumerateFiles(folder).ToList();
        Assert.Contains(Path.Combine(folder, "artifact"), files);
        // A member may be analysed and deleted between the listing and this look: judge the ones still there.
        Assert.All(files.Where(File.Exists), f => Assert.Equal(PrivateFile, ModeOrPrivate(f)));

        clamd.Release();
        var scan = await WaitForScanAsync(client, location);
        Assert.Equal("incomplete", scan.GetProperty("scan").GetProperty("verdict").GetString());
        // The folder goes right after the result is stored, which the API may show a moment earlier.
        await Eventually(() => Directory.Exists(folder) ? null : "", "the scan folder outlived the scan");
        Assert.Empty(ScanFolders(app.DataDirectory));
    }

    [Fact]
    public async Task Nothing_is_left_after_a_scan_that_passes_or_throws_and_a_restart_sweeps_only_what_dead_processes_left()
    {
        var poisoned = new PoisonedReads.Digests();
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite, new Dictionary<string, string?> { ["Scanning:ClamdEndpoint"] = Clamd },
            services => services.AddSingleton<IBlobStore>(sp => new PoisonedReads(sp.GetRequiredService<FileSystemBlobStore>(), poisoned)));
        poisoned.DataDirectory = app.DataDirectory;
        var (dev, token) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        var org = await app.CreateOrganizationAsync(dev.Id);
        using var client = app.ClientWith(token);

        // Passes: nothing left.
        var passed = await WaitForScanAsync(client, await UploadAsync(client, org.Id, Zip(members: 3, size: 1000), "fine.zip"));
        Assert.Equal("pass", passed.GetProperty("scan").GetProperty("verdict").GetString());
        Assert.Empty(ScanFolders(app.DataDirectory));

        // Throws half-way through copying the artifact into its folder: the folder goes with the exception.
        var bytes = RandomNumberGenerator.GetBytes(400_000);
        poisoned.Add("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)));
        await UploadAsync(client, org.Id, bytes, "breaks.bin");
        var partial = await Eventually(() => poisoned.SeenPartialCopy, "the scan never read the poisoned blob");
        Assert.Equal(PrivateFile, partial.Mode);
        await Eventually(() => ScanFolders(app.DataDirectory).Count == 0 ? "" : null, "the scan folder outlived the exception");

        // A restart on the same data folder: what a killed process left is swept, a live process's is not.
        var scratch = Path.Combine(app.DataDirectory, "scratch");
        var deadToken = OwnerLock.NewToken();
        File.WriteAllBytes(Path.Combine(scratch, "owners", deadToken + ".lock"), []); // its lock file, nobody holding it
        Directory.CreateDirectory(Path.Combine(scratch, deadToken, "scan-dead"));
        File.WriteAllBytes(Path.Combine(scratch, deadToken, "scan-dead", "artifact"), [1, 2, 3]);
        var spool = Path.Combine(app.DataDirectory, "blobs", "tmp");
        File.WriteAllBytes(Path.Combine(spool, "owners", deadToken + ".lock"), []);
        var deadPart = Path.Combine(spool, $"{deadToken}_00000000000000000000000000000000.part");
        File.WriteAllBytes(deadPart, [4]);
        using var liveScratch = OwnerLock.Hold(Path.Combine(scratch, "owners"), OwnerLock.NewToken());
        var liveScan = Directory.CreateDirectory(Path.Combine(scratch, liveScratch.Token, "scan-live")).FullName;
        File.WriteAllBytes(Path.Combine(liveScan, "artifact"), [5]);
        using var liveSpool = OwnerLock.Hold(Path.Combine(spool, "owners"), liveScratch.Token);
        var livePart = Path.Combine(spool, $"{liveScratch.Token}_11111111111111111111111111111111.part");
        File.WriteAllBytes(livePart, [6]);
        File.SetLastWriteTimeUtc(livePart, TimeProvider.System.GetUtcNow().UtcDateTime.AddHours(-3)); // old, but its writer is alive

        await using var restarted = app.StartSibling(services: _ => { });

        Assert.False(Directory.Exists(Path.Combine(scratch, deadToken)));
        Assert.False(File.Exists(Path.Combine(scratch, "owners", deadToken + ".lock")));
        Assert.False(File.Exists(deadPart));
        Assert.True(File.Exists(Path.Combine(liveScan, "artifact")));
        Assert.True(File.Exists(livePart));
        // The first server still runs on this data folder: its lock is held, so the newcomer left it alone.
        Assert.Equal(3, Directory.EnumerateFiles(Path.Combine(scratch, "owners"), "*.lock").Count());
    }

    /// <summary>The real store, except that reading a poisoned blob fails after 100 kB, like a broken disk or network.</summary>
    private sealed class PoisonedReads(IBlobStore inner, PoisonedReads.Digests poisoned) : IBlobStore
    {
        /// <summary>Which blobs break, and what the scan had written into its folder when one did.</summary>
        public sealed class Digests
        {
            private readonly HashSet<string> _set = [];
            private volatile PartialCopy? _seen;
            public string DataDirectory { get; set; } = "";
            public PartialCopy? SeenPartialCopy => _seen;
            public void Add(string digest) { lock (_set) _set.Add(digest); }
            public bool Contains(string digest) { lock (_set) return _set.Contains(digest); }

            public void NoteArtifact()
            {
                var artifact = ScanFolders(DataDirectory).Select(d => Path.Combine(d, "artifact")).First(File.Exists);
                _seen = new PartialCopy(artifact, File.GetUnixFileMode(artifact));
            }
        }

        public sealed record PartialCopy(string Path, UnixFileMode Mode);

        public async Task<Stream?> OpenReadAsync(string digest, CancellationToken ct)
        {
            var s = await inner.OpenReadAsync(digest, ct);
            return s is null || !poisoned.Contains(digest) ? s : new Breaking(s, poisoned);
        }

        public Task<BlobRef> PutAsync(Stream content, CancellationToken ct) => inner.PutAsync(content, ct);
        public Task<bool> ExistsAsync(string digest, CancellationToken ct) => inner.ExistsAsync(digest, ct);
        public Task<long?> GetLengthAsync(string digest, CancellationToken ct) => inner.GetLengthAsync(digest, ct);
        public Task<Stream?> OpenRangeAsync(string digest, long offset, long length, CancellationToken ct) => inner.OpenRangeAsync(digest, offset, length, ct);
        public Task<bool> DeleteAsync(string digest, CancellationToken ct) => inner.DeleteAsync(digest, ct);

        private sealed class Breaking(Stream inner, Digests digests) : ReadOnlyTestStream
        {
            public override int Read(byte[] buffer, int offset, int count)
            {
                if (Given >= 100_000)
                {
                    digests.NoteArtifact();
                    throw new IOException("read error");
                }
                var n = inner.Read(buffer, offset, (int)Math.Min(count, 100_000 - Given));
                Given += n;
                return n;
            }
            protected override void Dispose(bool disposing)
            {
                if (disposing) inner.Dispose();
                base.Dispose(disposing);
            }
        }
    }
}
