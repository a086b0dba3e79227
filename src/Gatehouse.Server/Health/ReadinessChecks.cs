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

/// <summary>The blob store accepts a write and returns it.</summary>
internal sealed class BlobStoreReadiness(IBlobStore blobs) : IReadinessCheck
{
    private static readonly byte[] Probe = "gatehouse readiness probe\n"u8.ToArray();
    public string Name => "blobs";

    public async Task<ReadinessResult> CheckAsync(CancellationToken ct)
    {
        using var input = new MemoryStream(Probe);
        var blob = await blobs.PutAsync(input, ct);
        await using var read = await blobs.OpenReadAsync(blob.Digest, ct);
        return read is null ? ReadinessResult.Down("written blob cannot be read") : ReadinessResult.Ok(blobs.GetType().Name);
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
