using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Health;

/// <summary>The database answers and has no pending migrations.</summary>
internal sealed class DatabaseReadiness(IServiceScopeFactory scopes) : IReadinessCheck
{
    public string Name => "database";

    public async Task<ReadinessResult> CheckAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        if (!await db.Database.CanConnectAsync(ct)) return ReadinessResult.Down("cannot connect");
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
        var provider = db.Database.IsNpgsql() ? "postgres" : "sqlite";
        return pending == 0 ? ReadinessResult.Ok(provider) : ReadinessResult.Down($"{provider}: {pending} migrations pending");
    }
}

/// <summary>
/// The blob store accepts a write, returns the same bytes and deletes them. The probe is unique per check, so
/// that a store which already holds it (content addressing skips the write) cannot hide a read-only store.
/// </summary>
internal sealed class BlobStoreReadiness(IBlobStore blobs) : IReadinessCheck
{
    public string Name => "blobs";

    public async Task<ReadinessResult> CheckAsync(CancellationToken ct)
    {
        var probe = System.Text.Encoding.ASCII.GetBytes(
            $"gatehouse readiness probe {Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))}\n");
        using var input = new MemoryStream(probe);
        var blob = await blobs.PutAsync(input, ct);
        try
        {
            using var copy = new MemoryStream();
            await using (var read = await blobs.OpenReadAsync(blob.Digest, ct))
            {
                if (read is null) return ReadinessResult.Down("written blob cannot be read");
                await read.CopyToAsync(copy, ct);
            }
            var store = blobs is S3BlobStore s3 ? $"{nameof(S3BlobStore)}: bucket {s3.Bucket}" : blobs.GetType().Name;
            return copy.ToArray().AsSpan().SequenceEqual(probe) ? ReadinessResult.Ok(store) : ReadinessResult.Down("written blob reads back different");
        }
        finally
        {
            await blobs.DeleteAsync(blob.Digest, ct);
        }
    }
}

/// <summary>The job storage answers; on a worker, this process's job server is registered.</summary>
internal sealed class JobStorageReadiness(JobStorage storage) : IReadinessCheck
{
    public string Name => "jobs";

    public Task<ReadinessResult> CheckAsync(CancellationToken ct)
    {
        var monitor = storage.GetMonitoringApi();
        var servers = monitor.Servers().Count;
        var enqueued = monitor.EnqueuedCount("default");
        return Task.FromResult(ReadinessResult.Ok($"{storage.GetType().Name}: {servers} servers, {enqueued} enqueued"));
    }
}
