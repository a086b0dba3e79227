using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Gatehouse.Server.Data.Scratch;

/// <summary>
/// Tells a sweep whether the process that wrote leftover files is still alive, without guessing from ages. A process
/// picks a token (<see cref="NewToken"/>: machine, process id and a random part, so never reused), names its files with
/// it, and holds an exclusive <c>flock</c> on <c>{owners}/{token}.lock</c> for as long as it runs. The kernel drops the
/// lock when the process ends in any way (SIGKILL and OOM kills included), so a sweep that can take the lock knows
/// the owner is dead and may delete its files at once; a lock it cannot take belongs to a live process, on this
/// machine or (on NFS, whose clients emulate <c>flock</c> with server-side locks released when the client's lease
/// ends) on another one sharing the folder.
/// </summary>
/// <remarks>
/// The lock file is created as <c>{token}.lock.new</c>, locked, then renamed, so a sweep never sees an owner's file
/// before it is locked. Raw <c>open</c>/<c>flock</c> on Linux, because .NET's own <see cref="FileShare"/> locking
/// can be switched off by an environment variable and is skipped on some network file systems. Elsewhere, or when
/// the file system refuses locks, owners are <see cref="OwnerStatus.Unknown"/> and sweeps fall back to age.
/// </remarks>
internal sealed partial class OwnerLock : IDisposable
{
    private const string Suffix = ".lock";
    private SafeFileHandle? _handle;

    private OwnerLock(string token, string path, SafeFileHandle? handle, bool locked)
    {
        Token = token;
        Path = path;
        _handle = handle;
        Locked = locked;
    }

    /// <summary>The owner's token (file names carry it).</summary>
    public string Token { get; }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>False when the lock could not be taken (not Linux, or a file system without locks).</summary>
    public bool Locked { get; }

    /// <summary>
    /// A token for this process: <c>{machine}-{pid}-{12 hex}</c>, letters, digits, <c>.</c> and <c>-</c> only. The
    /// machine and pid are for people reading the folder; the random part makes it unique.
    /// </summary>
    public static string NewToken()
    {
        var host = new string(Environment.MachineName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-').Take(40).ToArray());
        return string.Create(CultureInfo.InvariantCulture,
            $"{(host.Length == 0 ? "host" : host)}-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");
    }

    /// <summary>Whether <paramref name="name"/> could be a token (never a path: no separators, no <c>..</c>).</summary>
    public static bool IsToken(string name) =>
        name.Length is > 0 and <= 100 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-') && !name.Contains("..", StringComparison.Ordinal)
        && name[0] != '.';

    /// <summary>Creates <c>{ownersDirectory}/{token}.lock</c> (0600) and holds its lock until disposed or the process ends.</summary>
    public static OwnerLock Hold(string ownersDirectory, string token)
    {
        if (!IsToken(token)) throw new ArgumentException("not an owner token", nameof(token));
        PrivateFolders.Ensure(ownersDirectory);
        var path = System.IO.Path.Combine(ownersDirectory, token + Suffix);
        var staging = path + ".new";
        if (!OperatingSystem.IsLinux())
        {
            using (File.Create(staging)) { }
            File.Move(staging, path, overwrite: true);
            return new OwnerLock(token, path, null, locked: false);
        }
        var fd = Open(staging, ORdWr | OCreat | OExcl | OCloExec, 0b110_000_000);
        if (fd < 0) throw new IOException($"cannot create {staging}: errno {Marshal.GetLastPInvokeError()}");
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var locked = TryLock(fd) == LockResult.Acquired;
            File.Move(staging, path, overwrite: false);
            return new OwnerLock(token, path, handle, locked);
        }
        catch
        {
            handle.Dispose();
            try { File.Delete(staging); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>
    /// Whether the owner of <paramref name="token"/> is alive. When it is <see cref="OwnerStatus.Dead"/>,
    /// <paramref name="claim"/> holds its lock: delete the owner's files, then dispose the claim (which deletes the lock
    /// file), so that two sweeps never work on the same owner.
    /// </summary>
    public static OwnerStatus Probe(string ownersDirectory, string token, out OwnerLock? claim)
    {
        claim = null;
        if (!IsToken(token) || !OperatingSystem.IsLinux()) return OwnerStatus.Unknown;
        var path = System.IO.Path.Combine(ownersDirectory, token + Suffix);
        var fd = Open(path, ORdWr | OCloExec, 0);
        if (fd < 0) return OwnerStatus.Unknown; // no lock file (or unreadable): nothing known
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        switch (TryLock(fd))
        {
            case LockResult.Acquired:
                claim = new OwnerLock(token, path, handle, locked: true);
                return OwnerStatus.Dead;
            case LockResult.Held:
                handle.Dispose();
                return OwnerStatus.Alive;
            default:
                handle.Dispose();
                return OwnerStatus.Unknown;
        }
    }

    /// <summary>The tokens that have a lock file in <paramref name="ownersDirectory"/> (staging files included).</summary>
    public static IEnumerable<string> Tokens(string ownersDirectory)
    {
        if (!Directory.Exists(ownersDirectory)) yield break;
        foreach (var file in Directory.EnumerateFiles(ownersDirectory, "*" + Suffix))
        {
            var token = System.IO.Path.GetFileName(file)[..^Suffix.Length];
            if (IsToken(token)) yield return token;
        }
    }

    /// <summary>
    /// Deletes the lock files of dead owners (after their files were swept) and staging files older than an hour (a
    /// process killed between creating and renaming its lock file). Returns how many owners were removed.
    /// </summary>
    public static int RemoveDeadOwners(string ownersDirectory, DateTimeOffset now)
    {
        if (!Directory.Exists(ownersDirectory)) return 0;
        var removed = 0;
        foreach (var token in Tokens(ownersDirectory).ToList())
        {
            if (Probe(ownersDirectory, token, out var claim) != OwnerStatus.Dead) continue;
            claim!.Dispose();
            removed++;
        }
        foreach (var staging in new DirectoryInfo(ownersDirectory).EnumerateFiles("*" + Suffix + ".new"))
        {
            if (now - staging.LastWriteTimeUtc < TimeSpan.FromHours(1)) continue;
            try { staging.Delete(); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>Deletes the lock file (while still holding the lock), then releases the lock.</summary>
    public void Dispose()
    {
        var handle = Interlocked.Exchange(ref _handle, null);
        try { File.Delete(Path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        handle?.Dispose();
    }

    private enum LockResult { Acquired, Held, Unsupported }

    private static LockResult TryLock(int fd)
    {
        while (true)
        {
            if (Flock(fd, LockEx | LockNb) == 0) return LockResult.Acquired;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EIntr) continue;
            return errno == EWouldBlock ? LockResult.Held : LockResult.Unsupported;
        }
    }

    // Linux values (x86-64 and arm64 alike).
    private const int ORdWr = 0x2, OCreat = 0x40, OExcl = 0x80, OCloExec = 0x80000;
    private const int LockEx = 2, LockNb = 4;
    private const int EIntr = 4, EWouldBlock = 11;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);
}
