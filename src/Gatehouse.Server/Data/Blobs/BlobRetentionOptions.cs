namespace Gatehouse.Server.Data.Blobs;

/// <summary>When unreferenced blobs are deleted. The key keeps its path from before the store owned it: <c>Jobs:BlobRetentionInterval</c>.</summary>
public sealed class BlobRetentionOptions
{
    public const string Section = "Jobs";

    /// <summary>How often unreferenced blobs past <c>Blobs:RetentionGracePeriod</c> are deleted (default 6 hours; zero disables).</summary>
    public TimeSpan BlobRetentionInterval { get; set; } = TimeSpan.FromHours(6);
}
