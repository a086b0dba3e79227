using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Vulnerabilities.Osv;
using Gatehouse.Analysis.Vulnerabilities.Packages;
using Gatehouse.Analysis.Vulnerabilities.Versions;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Analysis.Vulnerabilities.Matching;

/// <summary>
/// The local advisory store (issue 16, item 3): OSV records imported from files, folders or OSV's per-ecosystem zip
/// exports into one SQLite database under a folder (<c>advisories.db</c>), indexed by ecosystem and normalised package
/// name (<see cref="AdvisoryEcosystems.Key"/>), and matched against packages without touching the network. Each record is
/// kept twice: as imported (zlib-deflated, <see cref="Advisory"/>) and without its prose (details, references), which is
/// what matching parses, so a first match after opening stays fast. Imports are
/// incremental by <c>modified</c> (a record replaces the stored one only when newer), commit in batches of
/// <see cref="BatchSize"/> records (a killed import leaves the store as of its last committed batch, consistent) and are
/// bounded per record (<see cref="OsvParser"/>'s limits; an invalid record is counted with its problem, never fatal).
/// Thread-safe: imports run one at a time; matches may run beside them and see the last committed batch.
/// </summary>
public sealed class AdvisoryStore : IAdvisorySource, IDisposable
{
    /// <summary>The database file's name inside the store's folder.</summary>
    public const string FileName = "advisories.db";

    /// <summary>Records per transaction: large enough for the import rate, small enough that a crash loses little.</summary>
    public const int BatchSize = 5000;

    /// <summary>Parsed records kept in memory for matching; past this the cache starts over (memory stays bounded).</summary>
    public const int MaxCachedRecords = 50_000;

    /// <summary>Problems an import result lists (the count covers all of them).</summary>
    public const int MaxProblems = 20;

    private const int SchemaVersion = 1;

    // Serialises the slim form matching reads (nulls left out; OsvParser reads it back like any record).
    private static readonly OsvJsonContext SlimJson = new(new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });

    private readonly string _connectionString;
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly Lock _importLock = new();
    private readonly ConcurrentDictionary<string, OsvRecord?> _cache = new(StringComparer.Ordinal);
    private bool _disposed;

    private AdvisoryStore(string directory, string connectionString, TimeProvider time)
    {
        _directory = directory;
        _connectionString = connectionString;
        _time = time;
    }

    /// <summary>Records per transaction (<see cref="BatchSize"/>; tests make it smaller).</summary>
    internal int BatchRecords { get; set; } = BatchSize;

    /// <summary>The folder the store lives in.</summary>
    public string Directory => _directory;

    /// <summary>
    /// Opens (creating when missing, folder mode 0700, database 0600) the store in <paramref name="directory"/>.
    /// <paramref name="time"/> stamps imports (<see cref="AdvisoryStoreStatus.LastImport"/>).
    /// </summary>
    public static AdvisoryStore Open(string directory, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(time);
        var full = Path.GetFullPath(directory);
        PrivateFiles.EnsureFolder(full);
        var file = Path.Combine(full, FileName);
        if (!File.Exists(file))
        {
            // Created empty with 0600 first, so SQLite never creates it with the umask's mode.
            try
            {
                using var created = new FileStream(file, PrivateFiles.CreateNew(FileAccess.Write));
            }
            catch (IOException) when (File.Exists(file))
            {
                // Another process created it at the same moment.
            }
        }
        var cs = new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        var store = new AdvisoryStore(full, cs, time);
        using var c = store.Connect();
        Execute(c, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS advisory(
                id TEXT PRIMARY KEY,
                modified INTEGER NOT NULL,
                withdrawn INTEGER,
                keys TEXT NOT NULL,
                size INTEGER NOT NULL,
                record BLOB NOT NULL,
                match BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS package_index(
                ecosystem TEXT NOT NULL, name TEXT NOT NULL, advisory_id TEXT NOT NULL,
                PRIMARY KEY(ecosystem, name, advisory_id)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS advisory_ecosystem(
                advisory_id TEXT NOT NULL, ecosystem TEXT NOT NULL, modified INTEGER NOT NULL,
                PRIMARY KEY(advisory_id, ecosystem)) WITHOUT ROWID;
            """);
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "INSERT OR IGNORE INTO meta(key, value) VALUES('schema', $v)";
            cmd.Parameters.AddWithValue("$v", SchemaVersion.ToString(CultureInfo.InvariantCulture));
            cmd.ExecuteNonQuery();
        }
        var schema = Meta(c, "schema");
        if (schema != SchemaVersion.ToString(CultureInfo.InvariantCulture))
        {
            store.Dispose();
            throw new InvalidDataException($"{file} has store schema {schema}; this Gatehouse reads schema {SchemaVersion}. Import into a new folder.");
        }
        return store;
    }

    /// <summary>
    /// Imports a <c>.json</c> OSV record, a folder of them (recursively; <c>.json</c> and <c>.zip</c> files, in name
    /// order), or a <c>.zip</c> of records (OSV's <c>all.zip</c> per ecosystem). <paramref name="progress"/> receives the
    /// number of records read so far, after each batch. Throws <see cref="FileNotFoundException"/> when
    /// <paramref name="path"/> does not exist and <see cref="InvalidDataException"/> for a zip whose directory is
    /// unreadable; a record that is not valid OSV is counted in <see cref="AdvisoryImportResult.Invalid"/>.
    /// </summary>
    public AdvisoryImportResult Import(string path, IProgress<long>? progress, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!File.Exists(path) && !System.IO.Directory.Exists(path)) throw new FileNotFoundException($"{path} does not exist", path);
        lock (_importLock)
        {
            using var session = new ImportSession(this, progress, ct);
            if (System.IO.Directory.Exists(path))
            {
                var files = System.IO.Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint })
                    .Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal);
                foreach (var file in files) ImportFile(session, file, Path.GetRelativePath(path, file));
            }
            else
            {
                ImportFile(session, path, Path.GetFileName(path));
            }
            return session.Finish();
        }
    }

    /// <summary>
    /// Imports uploaded content (the server's admin API): a zip of records or a single JSON record, told apart by content
    /// (the zip signature), not by <paramref name="name"/>, which only names the source in problems. A stream that cannot
    /// seek is spooled to a private temporary file in the store's folder first (zip needs to seek), removed afterwards.
    /// </summary>
    public AdvisoryImportResult Import(Stream content, string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        ObjectDisposedException.ThrowIf(_disposed, this);
        name ??= "upload";
        lock (_importLock)
        {
            using var session = new ImportSession(this, null, ct);
            if (content.CanSeek)
            {
                ImportContent(session, content, name);
            }
            else
            {
                var spool = Path.Combine(_directory, $".upload-{Guid.NewGuid():N}.tmp");
                using var file = new FileStream(spool, PrivateFiles.CreateNew(FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose));
                content.CopyTo(file);
                file.Position = 0;
                ImportContent(session, file, name);
            }
            return session.Finish();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<AdvisoryMatch> Match(IReadOnlyList<CatalogedPackage> packages, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(packages);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var matches = new List<AdvisoryMatch>();
        if (packages.Count == 0) return matches;
        using var c = Connect();
        using var find = c.CreateCommand();
        find.CommandText = "SELECT advisory_id FROM package_index WHERE ecosystem = $e AND name = $n";
        var pe = find.Parameters.Add("$e", SqliteType.Text);
        var pn = find.Parameters.Add("$n", SqliteType.Text);
        using var load = c.CreateCommand();
        load.CommandText = "SELECT match FROM advisory WHERE id = $id";
        var pid = load.Parameters.Add("$id", SqliteType.Text);

        var schemes = new Dictionary<string, IVersionScheme?>(StringComparer.Ordinal);
        foreach (var group in packages.GroupBy(p => AdvisoryEcosystems.Key(p.Ecosystem, p.SourceName ?? p.Name)))
        {
            var ecosystem = AdvisoryEcosystems.Base(group.Key.Ecosystem);
            if (!schemes.TryGetValue(ecosystem, out var scheme))
                schemes[ecosystem] = scheme = AdvisoryEcosystems.SchemeFor(ecosystem) is { } s ? new MemoizingVersionScheme(s) : null;
            ct.ThrowIfCancellationRequested();
            pe.Value = group.Key.Ecosystem;
            pn.Value = group.Key.Name;
            var ids = new List<string>();
            using (var r = find.ExecuteReader())
                while (r.Read()) ids.Add(r.GetString(0));
            foreach (var id in ids)
            {
                if (Record(load, pid, id) is not { } record || record.Withdrawn is not null) continue;
                foreach (var package in group)
                    if (AdvisoryMatcher.Evaluate(record, package, group.Key, scheme) is { } match) matches.Add(match);
            }
        }
        return matches
            .OrderBy(m => m.Package.Purl.ToString(), StringComparer.Ordinal)
            .ThenBy(m => m.Package.DeclaredIn, StringComparer.Ordinal)
            .ThenBy(m => m.AdvisoryId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The stored record, as it was imported (UTF-8 JSON), or null when the store does not hold <paramref name="id"/>.</summary>
    public byte[]? Advisory(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT record FROM advisory WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        if (cmd.ExecuteScalar() is not byte[] compressed) return null;
        using var z = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
        var json = new MemoryStream();
        z.CopyTo(json);
        return json.ToArray();
    }

    /// <inheritdoc />
    public AdvisoryStoreStatus Status()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var c = Connect();
        long total;
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT COUNT(*) FROM advisory";
            total = (long)cmd.ExecuteScalar()!;
        }
        var ecosystems = new List<EcosystemStatus>();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT ecosystem, COUNT(*), MAX(modified) FROM advisory_ecosystem GROUP BY ecosystem";
            using var r = cmd.ExecuteReader();
            while (r.Read())
                ecosystems.Add(new EcosystemStatus(r.GetString(0), r.GetInt64(1), r.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2))));
        }
        var last = Meta(c, "last_import");
        DateTimeOffset? lastImport = last is null ? null : DateTimeOffset.Parse(last, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        return new AdvisoryStoreStatus(total, lastImport, ecosystems.OrderBy(e => e.Ecosystem, StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// When the last import that added or updated a record finished (committed with those records); null: never. Cheap (one
    /// row), for a caller that polls it to catch up on changes it missed.
    /// </summary>
    public DateTimeOffset? LastChange()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var c = Connect();
        return Meta(c, "last_change") is { } v ? DateTimeOffset.Parse(v, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) : null;
    }

    /// <summary>No import ever added a record (the store's <see cref="LastChange"/> is unset).</summary>
    public bool IsEmpty => LastChange() is null;

    /// <summary>Forgets the parsed records it keeps; the database stays as it is (pooled connections are released).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _cache.Clear();
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    private SqliteConnection Connect()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        Execute(c, "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;");
        return c;
    }

    private OsvRecord? Record(SqliteCommand load, SqliteParameter pid, string id)
    {
        if (_cache.TryGetValue(id, out var cached)) return cached;
        pid.Value = id;
        OsvRecord? record = null;
        using (var r = load.ExecuteReader())
        {
            if (r.Read())
            {
                var parsed = OsvParser.Parse((byte[])r.GetValue(0));
                record = parsed.Success ? parsed.Record : null;
            }
        }
        if (_cache.Count >= MaxCachedRecords) _cache.Clear();
        _cache[id] = record;
        return record;
    }

    private void ImportFile(ImportSession session, string file, string name)
    {
        using var s = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan);
        ImportContent(session, s, name);
    }

    private static void ImportContent(ImportSession session, Stream content, string name)
    {
        Span<byte> head = stackalloc byte[4];
        var read = content.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        var isZip = read == 4 && head[0] == 'P' && head[1] == 'K' && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
        if (isZip && content.CanSeek)
        {
            content.Position = 0;
            ImportZip(session, content, name);
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(OsvParser.DefaultMaxBytes + 1, 1 << 16));
        try
        {
            head[..read].CopyTo(buffer);
            var length = read + ReadBounded(content, ref buffer, read, OsvParser.DefaultMaxBytes + 1);
            session.Add(buffer.AsSpan(0, length), name);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void ImportZip(ImportSession session, Stream content, string name)
    {
        using var zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName.EndsWith('/') || !entry.FullName.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) continue;
                var source = name + "!/" + entry.FullName;
                int length;
                try
                {
                    // The declared sizes are not trusted: at most the parser's limit plus one byte is ever inflated.
                    using var s = entry.Open();
                    length = ReadBounded(s, ref buffer, 0, OsvParser.DefaultMaxBytes + 1);
                }
                catch (InvalidDataException e)
                {
                    session.Invalid(source, "zip member unreadable: " + e.Message);
                    continue;
                }
                session.Add(buffer.AsSpan(0, length), source);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Reads into buffer[offset..] until the end or until limit bytes are held in all; grows the (pooled) buffer.
    private static int ReadBounded(Stream s, ref byte[] buffer, int offset, int limit)
    {
        var total = offset;
        while (total < limit)
        {
            if (total == buffer.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(limit, buffer.Length * 2));
                buffer.AsSpan(0, total).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = bigger;
            }
            var n = s.Read(buffer, total, Math.Min(buffer.Length, limit) - total);
            if (n == 0) break;
            total += n;
        }
        return total - offset;
    }

    private static string? Meta(SqliteConnection c, string key)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT value FROM meta WHERE key = $k";
        cmd.Parameters.AddWithValue("$k", key);
        return cmd.ExecuteScalar() as string;
    }

    private static void Execute(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// One import: records are gathered into chunks, each chunk parsed and compressed on the thread pool (several chunks
    /// at once), and written in their original order on the importing thread, which alone uses the connection. The open
    /// batch's transaction commits every <see cref="BatchRecords"/> records.
    /// </summary>
    private sealed class ImportSession : IDisposable
    {
        private const int ChunkRecords = 256;
        private const int ChunkBytes = 8 * 1024 * 1024;

        private readonly AdvisoryStore _store;
        private readonly IProgress<long>? _progress;
        private readonly CancellationToken _ct;
        private readonly SqliteConnection _c;
        private readonly long _started;
        private readonly List<string> _problems = [];
        private readonly List<(string Source, byte[] Json)> _chunk = [];
        private readonly Queue<Task<Prepared[]>> _pending = new();
        private readonly int _maxPending = Math.Clamp(Environment.ProcessorCount, 2, 8);
        private int _chunkBytes;
        private SqliteTransaction? _tx;
        private int _inBatch;
        private long _read, _added, _updated, _skipped, _invalid;
        private SqliteCommand _select = null!, _upsert = null!, _deleteIndex = null!, _insertIndex = null!, _deleteEco = null!, _insertEco = null!;

        public ImportSession(AdvisoryStore store, IProgress<long>? progress, CancellationToken ct)
        {
            _store = store;
            _progress = progress;
            _ct = ct;
            _started = store._time.GetTimestamp();
            _c = store.Connect();
            // A larger page cache and fewer checkpoints while importing: the id index takes random inserts.
            Execute(_c, "PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=16384;");
            Begin();
        }

        /// <summary>Queues one record's bytes (copied); it is written once its chunk is prepared.</summary>
        public void Add(ReadOnlySpan<byte> json, string source)
        {
            _ct.ThrowIfCancellationRequested();
            _chunk.Add((source, json.ToArray()));
            _chunkBytes += json.Length;
            if (_chunk.Count >= ChunkRecords || _chunkBytes >= ChunkBytes) Dispatch();
        }

        public void Invalid(string source, string problem)
        {
            _read++;
            _invalid++;
            if (_problems.Count < MaxProblems) _problems.Add($"{source}: {problem}");
        }

        public AdvisoryImportResult Finish()
        {
            Dispatch();
            while (_pending.Count > 0) Write(_pending.Dequeue().GetAwaiter().GetResult());
            using (var cmd = _c.CreateCommand())
            {
                cmd.Transaction = _tx;
                cmd.CommandText = "INSERT INTO meta(key, value) VALUES('last_import', $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
                cmd.Parameters.AddWithValue("$v", _store._time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
                cmd.ExecuteNonQuery();
            }
            if (_added + _updated > 0)
            {
                // Committed with the records: whoever must react to a change (the server's re-match) compares this with
                // what it last reacted to, so a crash between this commit and its own save is caught up later.
                using var cmd = _c.CreateCommand();
                cmd.Transaction = _tx;
                cmd.CommandText = "INSERT INTO meta(key, value) VALUES('last_change', $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
                cmd.Parameters.AddWithValue("$v", _store._time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
                cmd.ExecuteNonQuery();
            }
            Commit();
            _progress?.Report(_read);
            return new AdvisoryImportResult(_read, _added, _updated, _skipped, _invalid, _problems, _store._time.GetElapsedTime(_started));
        }

        public void Dispose()
        {
            // Not finished (an exception, a cancellation): the open batch rolls back; committed batches stay. Chunks still
            // being prepared only compute (they never throw) and are left to finish on their own.
            _tx?.Dispose();
            DisposeCommands();
            _c.Dispose();
        }

        private void Dispatch()
        {
            if (_chunk.Count > 0)
            {
                var items = _chunk.ToArray();
                _chunk.Clear();
                _chunkBytes = 0;
                _pending.Enqueue(Task.Run(() => Array.ConvertAll(items, i => Prepare(i.Source, i.Json))));
            }
            while (_pending.Count >= _maxPending) Write(_pending.Dequeue().GetAwaiter().GetResult());
        }

        // Thread-pool side: parse (bounded by OsvParser), index keys, compress. Never throws.
        private static Prepared Prepare(string source, byte[] json)
        {
            var parsed = OsvParser.Parse(json);
            if (!parsed.Success) return new Prepared(source, null, [], null, null, 0, $"{parsed.Error.Code}: {parsed.Error.Message}");
            var keys = new List<(string, string)>();
            foreach (var a in parsed.Record.Affected)
                if (a.Package is { } p && AdvisoryEcosystems.Key(p.Ecosystem, p.Name) is var k && !keys.Contains(k)) keys.Add(k);
            // The whole record, as published, deflated (zlib, fastest: a third of the size for little CPU).
            var compressed = new MemoryStream(json.Length / 2);
            using (var z = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) z.Write(json);
            // What matching reads: the record without its prose (details, references), uncompressed, so a cold match
            // parses a fraction of each candidate.
            var slim = JsonSerializer.SerializeToUtf8Bytes(parsed.Record with { Details = null, References = [] }, SlimJson.OsvRecord);
            return new Prepared(source, parsed.Record, keys, compressed.ToArray(), slim, json.Length, null);
        }

        // Importing thread: the incremental check and the writes, in the records' original order.
        private void Write(Prepared[] chunk)
        {
            foreach (var item in chunk)
            {
                _ct.ThrowIfCancellationRequested();
                if (item.Record is not { } record)
                {
                    Invalid(item.Source, item.Problem!);
                    continue;
                }
                _read++;
                var modified = record.Modified.ToUnixTimeMilliseconds();
                _select.Parameters[0].Value = record.Id;
                long? storedModified = null;
                string? storedKeys = null;
                using (var r = _select.ExecuteReader())
                {
                    if (r.Read())
                    {
                        storedModified = r.GetInt64(0);
                        storedKeys = r.GetString(1);
                    }
                }
                if (storedModified is { } old && modified <= old)
                {
                    _skipped++;
                    Tick();
                    continue;
                }
                if (storedKeys is not null)
                {
                    // Replaced: its old index rows go (the new record may name other packages).
                    foreach (var line in storedKeys.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    {
                        var tab = line.IndexOf('\t', StringComparison.Ordinal);
                        _deleteIndex.Parameters[0].Value = line[..tab];
                        _deleteIndex.Parameters[1].Value = line[(tab + 1)..];
                        _deleteIndex.Parameters[2].Value = record.Id;
                        _deleteIndex.ExecuteNonQuery();
                    }
                    _deleteEco.Parameters[0].Value = record.Id;
                    _deleteEco.ExecuteNonQuery();
                    _updated++;
                }
                else
                {
                    _added++;
                }
                foreach (var (ecosystem, name) in item.Keys)
                {
                    _insertIndex.Parameters[0].Value = ecosystem;
                    _insertIndex.Parameters[1].Value = name;
                    _insertIndex.Parameters[2].Value = record.Id;
                    _insertIndex.ExecuteNonQuery();
                }
                foreach (var ecosystem in item.Keys.Select(k => k.Ecosystem).Distinct(StringComparer.Ordinal))
                {
                    _insertEco.Parameters[0].Value = record.Id;
                    _insertEco.Parameters[1].Value = ecosystem;
                    _insertEco.Parameters[2].Value = modified;
                    _insertEco.ExecuteNonQuery();
                }
                _upsert.Parameters[0].Value = record.Id;
                _upsert.Parameters[1].Value = modified;
                _upsert.Parameters[2].Value = record.Withdrawn is { } w ? w.ToUnixTimeMilliseconds() : DBNull.Value;
                _upsert.Parameters[3].Value = string.Join('\n', item.Keys.Select(k => k.Ecosystem + "\t" + k.Name));
                _upsert.Parameters[4].Value = item.Size;
                _upsert.Parameters[5].Value = item.Compressed;
                _upsert.Parameters[6].Value = item.Slim;
                _upsert.ExecuteNonQuery();
                _store._cache.TryRemove(record.Id, out _);
                Tick();
            }
        }

        private void Tick()
        {
            if (++_inBatch < _store.BatchRecords) return;
            Commit();
            _progress?.Report(_read);
            Begin();
        }

        private void Begin()
        {
            _tx = _c.BeginTransaction();
            _inBatch = 0;
            _select = Command("SELECT modified, keys FROM advisory WHERE id = $id", "$id");
            _upsert = Command("""
                INSERT INTO advisory(id, modified, withdrawn, keys, size, record, match) VALUES($id, $m, $w, $k, $s, $r, $x)
                ON CONFLICT(id) DO UPDATE SET modified = excluded.modified, withdrawn = excluded.withdrawn, keys = excluded.keys,
                    size = excluded.size, record = excluded.record, match = excluded.match
                """, "$id", "$m", "$w", "$k", "$s", "$r", "$x");
            _deleteIndex = Command("DELETE FROM package_index WHERE ecosystem = $e AND name = $n AND advisory_id = $id", "$e", "$n", "$id");
            _insertIndex = Command("INSERT OR IGNORE INTO package_index(ecosystem, name, advisory_id) VALUES($e, $n, $id)", "$e", "$n", "$id");
            _deleteEco = Command("DELETE FROM advisory_ecosystem WHERE advisory_id = $id", "$id");
            _insertEco = Command("INSERT OR IGNORE INTO advisory_ecosystem(advisory_id, ecosystem, modified) VALUES($id, $e, $m)", "$id", "$e", "$m");
        }

        private void Commit()
        {
            _tx?.Commit();
            _tx?.Dispose();
            _tx = null;
            DisposeCommands();
        }

        private SqliteCommand Command(string sql, params string[] parameters)
        {
            var cmd = _c.CreateCommand();
            cmd.Transaction = _tx;
            cmd.CommandText = sql;
            foreach (var p in parameters) cmd.Parameters.Add(new SqliteParameter { ParameterName = p });
            cmd.Prepare();
            return cmd;
        }

        private void DisposeCommands()
        {
            _select?.Dispose();
            _upsert?.Dispose();
            _deleteIndex?.Dispose();
            _insertIndex?.Dispose();
            _deleteEco?.Dispose();
            _insertEco?.Dispose();
        }

        private sealed record Prepared(string Source, OsvRecord? Record, List<(string Ecosystem, string Name)> Keys, byte[]? Compressed, byte[]? Slim, int Size, string? Problem);
    }
}
