namespace Gatehouse.Server.Cluster;

/// <summary>The signals one instance sends every other (<see cref="IClusterSignals"/>).</summary>
public static class ClusterTopics
{
    /// <summary>A committed change to who may call the platform (<c>Data/AccessChanges</c>): drop validated credentials.</summary>
    public const string AccessChanged = "access-changed";

    /// <summary>A download URL key was created, rotated or retired: reload the download key ring.</summary>
    public const string DownloadKeys = "download-keys";

    /// <summary>A platform signing key was created, rotated or retired: reload the platform key ring.</summary>
    public const string SigningKeys = "signing-keys";
}
