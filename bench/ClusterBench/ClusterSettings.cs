using System.Diagnostics;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Bench.Cluster;

/// <summary>What the script tells the driver: where everything listens, and the run's size.</summary>
internal sealed record ClusterSettings(
    IReadOnlyList<Uri> Web,
    string Database,
    string S3Url,
    string Bucket,
    string S3Key,
    string S3Secret,
    string TokenKey,
    string AdminEmail,
    string ControlDirectory,
    int Submissions,
    int Concurrency,
    TimeSpan Wait,
    int RateBurst,
    int RatePerSecond)
{
    /// <summary>A context on the cluster's database (read and seed; the servers own the schema).</summary>
    public GatehouseDb OpenDb() =>
        new PostgresGatehouseDb(new DbContextOptionsBuilder<PostgresGatehouseDb>().UseNpgsql(Database).Options);
}

/// <summary>Progress lines on standard error, with the time since the driver started.</summary>
internal sealed class Progress(Stopwatch clock)
{
    public TimeSpan Elapsed => clock.Elapsed;

    public void Say(string text) => Console.Error.WriteLine($"cluster [{clock.Elapsed.TotalSeconds,6:0.0} s] {text}");
}
