using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Blobs;

/// <summary>A whole server with <c>Blobs:Backend=s3</c>, against the test s3rver.</summary>
public sealed class S3BackendServerTests
{
    [Fact]
    public async Task A_server_on_s3_is_ready_and_stores_an_upload_in_the_bucket()
    {
        var prefix = S3TestServer.NewPrefix();
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite, S3TestServer.Settings(prefix));
        Assert.IsType<S3BlobStore>(app.Services.GetRequiredService<IBlobStore>());
        Assert.IsType<S3BlobStore>(app.Services.GetRequiredService<IPresigningBlobStore>());

        var (_, adminToken) = await app.UserWithTokenAsync(Roles.Admin, "admin");
        using var admin = app.ClientWith(adminToken);
        // Only the blob check is this test's business (the others depend on the machine's engines). It must become ready,
        // as a load balancer would see it: asked again for a while, since a loaded test machine can starve the S3 server
        // past the check's 5-second bound once.
        JsonElement blobs = default;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            if (attempt > 0) await Task.Delay(1000);
            var ready = await admin.GetAsync("/readyz/details");
            blobs = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("blobs");
            if (blobs.GetProperty("status").GetString() == "ready") break;
        }
        Assert.True(blobs.GetProperty("status").GetString() == "ready", blobs.ToString());
        Assert.Contains("S3BlobStore", blobs.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var (dev, token) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        var org = await app.CreateOrganizationAsync(dev.Id);
        using var client = app.ClientWith(token);
        var content = RandomNumberGenerator.GetBytes(200_000);
        var upload = await client.PostAsync($"/api/orgs/{org.Id}/scans?name=x.bin", new ByteArrayContent(content));
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);

        // The blob is in the bucket under this server's prefix, byte for byte (read with a store of our own).
        var dir = Directory.CreateTempSubdirectory("gatehouse-s3spool-").FullName;
        try
        {
            using var store = S3TestServer.Store(dir, prefix);
            var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
            Assert.Equal(content.Length, await store.GetLengthAsync(digest, CancellationToken.None));
            await using var read = await store.OpenReadAsync(digest, CancellationToken.None);
            using var copy = new MemoryStream();
            await read!.CopyToAsync(copy);
            Assert.Equal(content, copy.ToArray());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        // The scan worker reads the artifact back from the bucket: the scan finishes instead of failing.
        var location = upload.Headers.Location!.OriginalString;
        string? state = null;
        for (var i = 0; i < 300 && state is not ("done" or "failed"); i++)
        {
            if (i > 0) await Task.Delay(100);
            state = (await client.GetFromJsonAsync<JsonElement>(location)).GetProperty("scan").GetProperty("state").GetString();
        }
        Assert.Equal("done", state);
    }
}
