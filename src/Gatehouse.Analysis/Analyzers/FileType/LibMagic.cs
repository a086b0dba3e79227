using System.Runtime.InteropServices;

namespace Gatehouse.Analysis.Analyzers.FileType;

/// <summary>
/// libmagic (<c>libmagic.so.1</c>, package libmagic1 + libmagic-mgc) through P/Invoke: the MIME type
/// of a buffer. A libmagic cookie is not thread-safe, so a call rents a cookie from a pool and no two
/// threads ever use one at the same time. (A cookie per thread would load the ~10 MB database once for
/// every thread-pool thread that ever types a file: hundreds of MB with async code.) All cookies are
/// closed by <see cref="Dispose"/>, which must only be called once no thread uses this instance.
/// </summary>
public sealed partial class LibMagic : IDisposable
{
    private const string Library = "libmagic.so.1";

    // magic.h (file 5.44)
    private const int MagicMimeType = 0x0000010;
    private const int MagicError = 0x0000200;
    private const int MagicNoCheckCompress = 0x0001000;

    private readonly System.Collections.Concurrent.ConcurrentBag<Cookie> _idle = [];

    // Each cookie maps the whole ~8 MB database and touches most of it, which counts toward the process's memory; typing
    // is CPU work, so more cookies than cores buys nothing (issue 15: peak RSS). Callers beyond that wait for a free one.
    private readonly SemaphoreSlim _cookies = new(Math.Max(1, Environment.ProcessorCount));
    private readonly List<Cookie> _all = [];
    private int _disposed;

    /// <summary>Loads libmagic and its default database once, on this thread, so a missing library or database fails here.</summary>
    /// <exception cref="InvalidOperationException">libmagic or its database could not be loaded (fail closed).</exception>
    public LibMagic()
    {
        // Probe now: a service that cannot type files must not start (scan-engines.md §4).
        Return(Rent());
    }

    /// <summary>libmagic's version, e.g. 544 for file 5.44.</summary>
    public static int Version
    {
        get
        {
            try { return Native.magic_version(); }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                throw Missing(e);
            }
        }
    }

    /// <summary>libmagic's MIME type for the bytes (<c>MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS</c>).</summary>
    /// <exception cref="InvalidOperationException">libmagic reported an error.</exception>
    public string MimeType(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        _cookies.Wait();
        var cookie = Rent();
        try
        {
            var result = Native.magic_buffer(cookie.Handle, buffer, (nuint)buffer.Length);
            if (result == 0) throw new InvalidOperationException($"libmagic: {cookie.LastError()}");
            // The string belongs to the cookie and is overwritten by its next call: copy it now.
            return Marshal.PtrToStringUTF8(result) ?? throw new InvalidOperationException("libmagic returned an unreadable MIME type");
        }
        finally
        {
            Return(cookie);
            _cookies.Release();
        }
    }

    /// <summary>How many cookies exist (at most the number of calls that ever ran at the same time).</summary>
    public int CookieCount { get { lock (_all) return _all.Count; } }

    private Cookie Rent()
    {
        if (_idle.TryTake(out var cookie)) return cookie;
        cookie = Cookie.Open();
        lock (_all) _all.Add(cookie);
        return cookie;
    }

    private void Return(Cookie cookie) => _idle.Add(cookie);

    /// <summary>Closes every thread's cookie.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        lock (_all)
            foreach (var cookie in _all) cookie.Close();
        _cookies.Dispose();
    }

    private static InvalidOperationException Missing(Exception e) =>
        new($"libmagic ({Library}) is not installed: apt-get install libmagic1 libmagic-mgc ({e.Message})", e);

    private sealed class Cookie
    {
        private Cookie(nint handle) => Handle = handle;

        public nint Handle { get; private set; }

        public static Cookie Open()
        {
            nint handle;
            try
            {
                handle = Native.magic_open(MagicMimeType | MagicError | MagicNoCheckCompress);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                throw Missing(e);
            }
            if (handle == 0) throw new InvalidOperationException("libmagic: magic_open failed");
            if (Native.magic_load(handle, null) != 0)
            {
                var error = Marshal.PtrToStringUTF8(Native.magic_error(handle)) ?? "unknown error";
                Native.magic_close(handle);
                throw new InvalidOperationException($"libmagic: cannot load the default magic database (libmagic-mgc): {error}");
            }
            return new Cookie(handle);
        }

        public string LastError() => Marshal.PtrToStringUTF8(Native.magic_error(Handle)) ?? "unknown error";

        public void Close()
        {
            if (Handle == 0) return;
            Native.magic_close(Handle);
            Handle = 0;
        }
    }

    private static partial class Native
    {
        [LibraryImport(Library)]
        internal static partial nint magic_open(int flags);

        [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int magic_load(nint cookie, string? path);

        [LibraryImport(Library)]
        internal static partial nint magic_buffer(nint cookie, ReadOnlySpan<byte> buffer, nuint length);

        [LibraryImport(Library)]
        internal static partial nint magic_error(nint cookie);

        [LibraryImport(Library)]
        internal static partial void magic_close(nint cookie);

        [LibraryImport(Library)]
        internal static partial int magic_version();
    }
}
