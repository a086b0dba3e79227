using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Data;

/// <summary>The blob store the server is configured with, on both databases.</summary>
public sealed class ServerBlobStoreTests
{
    [Theory, ClassData(typeof(BothDatabases))]
    public async Task The_servers_blob_store_shows_nothing_of_an_interrupted_upload(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db);
        var blobs = app.Services.GetRequiredService<IBlobStore>();
        await Assert.ThrowsAsync<IOException>(() => blobs.PutAsync(new BreakingStream(4096), CancellationToken.None));
        // No spool file is left (tmp/owners holds only the server's lock file, never content).
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "blobs", "tmp"), "*.part", SearchOption.AllDirectories));
        // Only the readiness probe's blob may exist (it is written when /readyz runs); nothing partial.
        var files = Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "blobs", "sha256"), "*", SearchOption.AllDirectories).ToList();
        Assert.All(files, f => Assert.Equal(26, new FileInfo(f).Length));
    }
}
