namespace Gatehouse.Server.Data.Scratch;

/// <summary>What a sweep learns about the owner of leftover files (<see cref="OwnerLock.Probe"/>).</summary>
internal enum OwnerStatus
{
    /// <summary>The owner's lock file exists and nobody holds its lock: the process that wrote the files is gone.</summary>
    Dead,

    /// <summary>A live process holds the lock: its files are in use.</summary>
    Alive,

    /// <summary>No lock file, or the file system cannot lock: nothing is known, so only age may decide.</summary>
    Unknown,
}
