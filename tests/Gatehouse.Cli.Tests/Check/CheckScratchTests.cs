using System.IO.Compression;
using System.Security.Cryptography;
using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests.Check;

/// <summary>
/// <c>gatehouse check</c> extracts the artifact's members into a private folder of its own (0700, files 0600) under
/// <c>$TMPDIR</c>, not as world-readable files in the shared temp folder, and removes it when the check ends.
/// </summary>
public sealed class CheckScratchTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-checkscratch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Members_are_extracted_into_a_private_folder_that_is_removed_when_the_check_ends()
    {
        var tmp = Directory.CreateDirectory(Path.Combine(_dir, "tmp")).FullName;
        var artifact = Path.Combine(_dir, "app.zip");
        using (var zip = ZipFile.Open(artifact, ZipArchiveMode.Create))
            for (var i = 0; i < 3; i++)
                using (var s = zip.CreateEntry($"bin/part{i}.dat", CompressionLevel.NoCompression).Open())
                    s.Write(RandomNumberGenerator.GetBytes((1 << 20) + 4096)); // above the 1 MiB kept in memory: extracted to a file
        await using var clamd = new StallingClamd();
        using var o = new StringWriter();
        using var e = new StringWriter();
        var env = new CliEnvironment
        {
            Out = o, Err = e, ConfigDirectory = Path.Combine(_dir, "config"),
            Variables = new Dictionary<string, string> { ["TMPDIR"] = tmp },
        };
        var run = Task.Run(() => CliApp.RunAsync(["check", artifact, "--clamd", clamd.Endpoint, "--format", "json"], env));

        // clamd never answers, so the check holds with members extracted.
        string? scratch = null;
        for (var i = 0; i < 400 && scratch is null; i++)
        {
            scratch = Directory.EnumerateDirectories(tmp, "gatehouse-check-*").FirstOrDefault(d => Directory.EnumerateFiles(d, "*.member").Any());
            if (scratch is null) await Task.Delay(50);
        }
        Assert.NotNull(scratch);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(scratch));
        Assert.All(Directory.EnumerateFiles(scratch), f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));

        clamd.Release();
        Assert.Equal(3, await run); // incomplete: clamd gave no answer
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp));
    }
}
