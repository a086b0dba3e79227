using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Pipeline;

/// <summary>Progress of a scan, for terminals and job status.</summary>
public sealed record ScanProgress(int Files, long Bytes, string CurrentPath);

/// <summary>
/// The engine: unpack with limits, run every file analyzer on every file (nested archives included),
/// run artifact analyzers once, then decide. Byte scanners (<see cref="IFileAnalyzer.SkipsUnpackedArchives"/>:
/// YARA, ClamAV) see an archive the walker unpacked whole only through its members (issue 15). Each analyzer is isolated: its exception becomes a
/// recorded failure (verdict incomplete), never a crash and never a pass. An analyzer whose engine is
/// unavailable is not called again for the rest of the scan.
/// </summary>
public sealed class ScanPipeline
{
    private readonly IReadOnlyList<IFileAnalyzer> _fileAnalyzers;
    private readonly IReadOnlyList<IArtifactAnalyzer> _artifactAnalyzers;
    private readonly IArtifactExpander? _expander;
    private readonly Policy _policy;
    private readonly TimeProvider _time;

    /// <param name="analyzers">In order (e.g. <c>AnalyzerCatalog.Create</c>); each is an <see cref="IFileAnalyzer"/>
    /// or an <see cref="IArtifactAnalyzer"/>. The first file analyzer runs before the others on each file,
    /// because they read the <see cref="ScanFile.DetectedType"/> it sets.</param>
    /// <param name="expander">Opens the artifact into its members; null scans the artifact as one file.</param>
    public ScanPipeline(IReadOnlyList<IAnalyzer> analyzers, IArtifactExpander? expander, Policy policy, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(analyzers);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(time);
        var file = new List<IFileAnalyzer>();
        var artifact = new List<IArtifactAnalyzer>();
        foreach (var analyzer in analyzers)
        {
            switch (analyzer)
            {
                case IFileAnalyzer f: file.Add(f); break;
                case IArtifactAnalyzer a: artifact.Add(a); break;
                default: throw new ArgumentException($"analyzer {analyzer.Id} is neither a file nor an artifact analyzer", nameof(analyzers));
            }
        }
        _fileAnalyzers = file;
        _artifactAnalyzers = artifact;
        _expander = expander;
        _policy = policy;
        _time = time;
    }

    /// <summary>
    /// The scan's private folder, handed to analyzers as <see cref="AnalysisContext.TempDirectory"/> (the archive walker
    /// gets its own in its constructor: <c>AnalyzerCatalog</c> passes both the same <see cref="Analyzers.EngineSettings.TempDirectory"/>).
    /// </summary>
    public string? TempDirectory { get; init; }

    /// <summary>Collects CPU and wall time per stage and analyzer when set (<c>gatehouse check --profile</c>); null: not measured.</summary>
    public ScanProfile? Profile { get; init; }

    /// <summary>Members analysed side by side while the walker extracts the next ones (default <see cref="DefaultMaxMembersInFlight"/>).</summary>
    public int MaxMembersInFlight { get; init; } = DefaultMaxMembersInFlight;

    /// <summary>Twice the cores, at least 4.</summary>
    public static int DefaultMaxMembersInFlight { get; } = Math.Max(4, Environment.ProcessorCount * 2);

    public static string ToolVersion { get; } =
        typeof(ScanPipeline).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0.0.0";

    /// <summary>Scans the file at <paramref name="path"/>, shown as <paramref name="displayName"/>.</summary>
    public async Task<ScanReport> ScanAsync(string path, string displayName, string artifactType,
        IProgress<ScanProgress>? progress, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        var findings = new List<Finding>();
        var failures = new ConcurrentDictionary<string, (string Status, string Error)>(StringComparer.Ordinal);
        var files = 0;
        long bytes = 0;
        var maxDepth = 0;
        var inventory = new Vulnerabilities.Packages.PackageInventory();
        // What the image expander learns about a container image, for the artifact analyzers (one per scan, issue 17).
        var image = new Images.ImageFacts();
        // What the chart analyzer learns about a Helm chart (issue 18), for the report.
        var chart = new Charts.ChartFacts();
        var container = string.Equals(artifactType, Requirements.AppTypes.Container, StringComparison.Ordinal);
        // An OCI image layout may be a folder: it has no bytes of its own, only the files the expander reads.
        var folder = container && Directory.Exists(path);
        var artifactName = System.IO.Path.GetFileName(displayName);

        // Analyzers see the artifact under a neutral name (keeping its extension), so fingerprints do not
        // change when the same content arrives as app-1.2.zip and then app-1.3.zip; the real name is put
        // back into paths and messages here.
        var rootToken = "\u2060artifact" + SafeExtension(displayName);
        string Restore(string? text) => text is null ? "" : text.Replace(rootToken, displayName, StringComparison.Ordinal);

        void Report(Finding f, IAnalyzer by)
        {
            var severity = _policy.SeverityOverrides.TryGetValue(f.RuleId, out var s) ? s : f.Severity;
            var stored = f with
            {
                Severity = severity,
                AnalyzerId = string.IsNullOrEmpty(f.AnalyzerId) ? by.Id : f.AnalyzerId,
                Path = Restore(f.Path),
                Message = Restore(f.Message),
                Evidence = f.Evidence is null ? null : Restore(f.Evidence),
            };
            lock (findings) findings.Add(stored);
        }

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(_policy.MaxScanTime);

        var root = folder
            ? new ScanFile
            {
                Path = rootToken,
                Length = FolderLength(path),
                // index.json names everything else by digest (verified as it is read): the layout's own digest.
                Sha256 = File.Exists(System.IO.Path.Combine(path, "index.json")) ? Hash(System.IO.Path.Combine(path, "index.json"), Profile, ct) : Convert.ToHexStringLower(SHA256.HashData([])),
                Depth = 0,
                Open = () => throw new IOException("an image layout folder is not read as a file"),
                DetectedType = "inode/directory",
            }
            : new ScanFile
            {
                Path = rootToken,
                Length = new FileInfo(path).Length,
                Sha256 = Hash(path, Profile, ct),
                Depth = 0,
                Open = () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan),
            };

        async ValueTask RunFileAnalyzers(ScanFile file, CancellationToken token, bool typeOnly = false)
        {
            Interlocked.Increment(ref files);
            Interlocked.Add(ref bytes, file.Length);
            lock (findings) maxDepth = Math.Max(maxDepth, file.Depth);
            progress?.Report(new ScanProgress(files, bytes, Restore(file.Path)));
            // The first analyzer (file type) decides ScanFile.DetectedType, which the others read; the
            // others are independent and run side by side, so CPU work (secrets, YARA) overlaps the
            // wait for clamd's answer. Byte scanners (YARA, ClamAV) skip an archive whose every byte reaches
            // them as members; on the artifact they wait for the walk to say so (RunDeferred).
            var running = new List<Task>(_fileAnalyzers.Count);
            for (var i = 0; i < _fileAnalyzers.Count; i++)
            {
                var analyzer = _fileAnalyzers[i];
                if (failures.ContainsKey(analyzer.Id)) continue;
                if (analyzer.SkipsUnpackedArchives && (file.Depth == 0 || file.FullyUnpacked)) continue;
                if (typeOnly && i > 0) break;
                var task = RunOne(analyzer, file, token);
                if (i == 0) await task;
                else running.Add(task);
            }
            await Task.WhenAll(running);
        }

        // The artifact's byte scanners, once the walk has said whether it delivered every byte as members.
        async Task RunDeferred(ScanFile file, CancellationToken token)
        {
            if (file.FullyUnpacked) return;
            var running = new List<Task>();
            foreach (var analyzer in _fileAnalyzers)
            {
                if (!analyzer.SkipsUnpackedArchives || failures.ContainsKey(analyzer.Id)) continue;
                running.Add(RunOne(analyzer, file, token));
            }
            await Task.WhenAll(running);
        }

        Task RunOne(IFileAnalyzer analyzer, ScanFile file, CancellationToken token)
        {
            var context = new AnalysisContext(_policy, artifactType, f => Report(f, analyzer), TempDirectory) { Packages = inventory, ArtifactName = artifactName, Image = image, Chart = chart };
            if (Profile is not { } profile) return Isolate(analyzer, () => analyzer.AnalyzeAsync(file, context, token), token);
            var stage = file.Depth == 0 ? analyzer.Id + " (artifact)" : analyzer.Id;
            return Isolate(analyzer, async () =>
            {
                var timing = profile.Start(stage);
                var pending = analyzer.AnalyzeAsync(file, context, token);
                var wentAsync = !pending.IsCompleted;
                try { await pending; }
                finally { timing.Stop(file.Length, wentAsync); }
            }, token);
        }

        // Members are analysed while the walker extracts the next ones: the pipeline keeps its own handle
        // on each member's temp file (the walker may unlink it), or the member's bytes when they are held
        // in memory, bounded to a few members in flight.
        var inflight = new List<Task>();
        var maxInFlight = Math.Max(1, MaxMembersInFlight);
        // Members on disk are the large ones (above the walker's in-memory limit); engines map them (libyara), and
        // mapped pages count toward the process's memory: one at a time keeps the peak small.
        Task? largeInFlight = null;
        async ValueTask OnMember(ScanFile file, CancellationToken token)
        {
            ScanFile detached;
            Microsoft.Win32.SafeHandles.SafeFileHandle? handle = null;
            Action? release = null;
            if (file.Content is not null)
            {
                detached = file; // the bytes stay ours until the analyzers are done (then back to the pool)
                release = file.TakeContentRelease();
            }
            else
            {
                using (var probe = file.Open())
                {
                    if (probe is FileStream fs)
                        handle = File.OpenHandle(fs.Name, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                }
                if (handle is null)
                {
                    await RunFileAnalyzers(file, token); // not a file on disk: analyse it now
                    return;
                }
                var length = file.Length;
                var shared = handle;
                detached = new ScanFile
                {
                    Path = file.Path, Length = length, Sha256 = file.Sha256, Depth = file.Depth, FullyUnpacked = file.FullyUnpacked,
                    Open = () => new SharedFileStream(shared, length),
                };
            }
            // Waits without throwing: the previous member's outcome is observed below, with the others.
            if (handle is not null && largeInFlight is { IsCompleted: false } previous) await Task.WhenAny(previous);
            var task = Task.Run(async () =>
            {
                try { await RunFileAnalyzers(detached, token); }
                finally
                {
                    handle?.Dispose();
                    release?.Invoke();
                }
            }, token);
            if (handle is not null) largeInFlight = task;
            inflight.Add(task);
            if (inflight.Count >= maxInFlight)
            {
                var done = await Task.WhenAny(inflight);
                inflight.Remove(done);
                await done;
            }
        }

        async Task Isolate(IAnalyzer analyzer, Func<ValueTask> action, CancellationToken token)
        {
            try
            {
                await action();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw; // the caller cancelled: not a verdict
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                failures.TryAdd(analyzer.Id, ("failed", $"scan time budget of {_policy.MaxScanTime} exceeded"));
            }
            catch (EngineUnavailableException ex)
            {
                failures.TryAdd(analyzer.Id, ("unavailable", ex.Message));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failures.TryAdd(analyzer.Id, ("failed", $"{ex.GetType().Name}: {ex.Message}"));
            }
        }

        var token = budget.Token;
        try
        {
            // The artifact's own analyzers (file type, secrets, ...) run while the walker unpacks it; YARA and ClamAV
            // scan it whole only when the walk did not deliver every byte as members (RunDeferred).
            // A container image's own file is analysed once the expander has tried to read it (below): its layers are what
            // the analyzers must see, each file once with its layer's digest in the path.
            var whole = container ? Task.CompletedTask : RunFileAnalyzers(root, token).AsTask();
            if (_expander is { } expander)
            {
                var walk = Profile?.Start("walk (total)");
                var expanderContext = new AnalysisContext(_policy, artifactType, f => Report(f, expander), TempDirectory)
                {
                    Packages = inventory, ArtifactName = artifactName, Image = image, Chart = chart, ArtifactPath = path,
                };
                await Isolate(expander, async () => await expander.ExpandAsync(root, OnMember, f => Report(f, expander), expanderContext, token), token);
                walk?.Stop(root.Length, wentAsync: true);
            }
            await Task.WhenAll(inflight);
            await whole;
            if (container && !folder)
            {
                // Read as an image: what the file is (its type) and, when a layer did not reach the analyzers whole, the byte
                // scanners on all of it. Not an image: every analyzer, as for any other file.
                await RunFileAnalyzers(root, token, typeOnly: image.Image is not null);
            }
            if (!folder) await RunDeferred(root, token);
            if (image.Image is not null)
            {
                // The packages of the final filesystem only, each with the layer that introduced it (before advisories are matched).
                inventory.RebaseOntoImage(rootToken, image);
            }
            if (container && _expander is not null && !image.LayersComplete && !failures.ContainsKey(_expander.Id))
                failures.TryAdd(_expander.Id, ("incomplete", "some of the image could not be read whole (see the image.* and archive.* findings); its final filesystem is not fully known"));
            foreach (var analyzer in _artifactAnalyzers)
            {
                if (failures.ContainsKey(analyzer.Id)) continue;
                var context = new AnalysisContext(_policy, artifactType, f => Report(f, analyzer), TempDirectory) { Packages = inventory, ArtifactName = artifactName, Image = image, Chart = chart };
                await Isolate(analyzer, () => analyzer.AnalyzeAsync(root, context, token), token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            failures.TryAdd("pipeline", ("failed", $"scan time budget of {_policy.MaxScanTime} exceeded"));
        }

        var all = new List<IAnalyzer>(_fileAnalyzers);
        if (_expander is not null) all.Add(_expander);
        all.AddRange(_artifactAnalyzers);
        var runs = all.Select(a => failures.TryGetValue(a.Id, out var f)
                ? new AnalyzerRun(a.Id, a.Version, f.Status, f.Error)
                : new AnalyzerRun(a.Id, a.Version, "ok"))
            .ToList();
        if (failures.TryGetValue("pipeline", out var pf)) runs.Add(new AnalyzerRun("pipeline", ToolVersion, pf.Status, pf.Error));

        var configured = all.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        var missing = _policy.RequiredEngines.Where(e => !configured.Contains(EngineAnalyzerId(e))).ToList();

        var ordered = ScanReport.Order(findings);
        var (verdict, reasons) = VerdictRules.Decide(ordered, runs, _policy, missing);
        var bySeverity = ScanStats.CountBySeverity(ordered);
        var elapsed = (long)_time.GetElapsedTime(started).TotalMilliseconds;
        return new ScanReport(ScanReport.CurrentSchemaVersion, "gatehouse", ToolVersion,
            new ArtifactInfo(displayName, root.Sha256, root.Length, artifactType, root.DetectedType),
            verdict, reasons, ordered, runs, new ScanStats(files, bytes, maxDepth, elapsed, bySeverity))
        {
            // Catalogers name the declaring file by the neutral root name, like findings: the real name is put back.
            Packages = inventory.Snapshot().Select(p => p with { DeclaredIn = Restore(p.DeclaredIn) }).ToList(),
            Image = image.Image is { } read ? Images.ImageSummary.Of(read) : null,
            Chart = chart.Summary,
        };
    }

    /// <summary>Bytes of every file below <paramref name="folder"/> (an image layout folder's size).</summary>
    private static long FolderLength(string folder) =>
        new DirectoryInfo(folder).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }).Sum(f => f.Length);

    /// <summary>Engine names in policy map to analyzer ids: <c>clamav</c> → <c>malware.clamav</c>.</summary>
    public static string EngineAnalyzerId(string engine) =>
        engine.Contains('.', StringComparison.Ordinal) || UnprefixedEngines.Contains(engine) ? engine : "malware." + engine;

    // Engines whose analyzer ID is their name (the short names of the others are malware engines: clamav, yara).
    private static readonly HashSet<string> UnprefixedEngines = new(StringComparer.Ordinal) { Vulnerabilities.Matching.VulnerabilityAnalyzer.EngineId };

    /// <summary>The extension of the artifact's name (file-type checks compare it with the content), letters and digits only.</summary>
    private static string SafeExtension(string name)
    {
        var ext = System.IO.Path.GetExtension(name);
        if (name.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase)) ext = ".tar.gz";
        return ext.Length is > 1 and <= 16 && ext.Skip(1).All(c => char.IsAsciiLetterOrDigit(c) || c == '.') ? ext.ToLowerInvariant() : "";
    }

    /// <summary>SHA-256 of the artifact, read synchronously in 1 MiB blocks (no thread-pool hops; cancellable between blocks).</summary>
    private static string Hash(string path, ScanProfile? profile, CancellationToken ct)
    {
        var timing = profile?.Start("hash (artifact)");
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            int n;
            while ((n = s.Read(buffer, 0, 1 << 20)) > 0)
            {
                ct.ThrowIfCancellationRequested();
                sha.AppendData(buffer, 0, n);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        timing?.Stop(s.Length);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
