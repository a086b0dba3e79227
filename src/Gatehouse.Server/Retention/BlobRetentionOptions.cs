namespace Gatehouse.Server.Retention;

/// <summary>When unreferenced blobs are deleted. The key keeps its path from before retention owned it: <c>Jobs:BlobRetentionInterval</c>.</summary>
internal sealed class BlobRetentionOptions
{
    public const string Section = "Jobs";

    /// <summary>How often unreferenced blobs past <c>Blobs:RetentionGracePeriod</c> are deleted (default 6 hours; zero disables).</summary>
    public TimeSpan BlobRetentionInterval { get; set; } = TimeSpan.FromHours(6);
}
