using System.Collections.Concurrent;
using Gatehouse.Analysis.Analyzers.FileType;
using Gatehouse.Analysis.Analyzers.Malware.ClamAv;
using Gatehouse.Analysis.Analyzers.Malware.Yara;
using Gatehouse.Analysis.Analyzers.Secrets;

namespace Gatehouse.Analysis.Analyzers;

/// <summary>
/// The analyzers that are expensive to build and safe to share: libmagic (its database, loaded and
/// probed once), YARA (libyara's ABI self-test and the compiled bundled rules, or the CLI fallback),
/// the compiled secret rules, and one ClamAV analyzer per clamd endpoint (so its periodic EICAR
/// self-test is not repeated for every scan). The composition root creates one (the CLI per process,
/// the server as a singleton) and passes it to <see cref="AnalyzerCatalog.Create"/>. Nothing is loaded
/// until a scan or a readiness check first needs it, and a failed load fails closed exactly as before:
/// the file's analysis fails (verdict incomplete), never passes.
/// </summary>
public sealed class EngineHandles : IDisposable
{
    private readonly Lazy<LibMagic> _magic = new(() => new LibMagic(), LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly ConcurrentDictionary<string, ClamAvAnalyzer> _clamAv = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <param name="time">Clock of the ClamAV self-test intervals.</param>
    public EngineHandles(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        FileType = new FileTypeAnalyzer(() => _magic.Value);
    }

    /// <summary>The file-type analyzer on this instance's libmagic.</summary>
    public FileTypeAnalyzer FileType { get; }

    /// <summary>The secrets analyzer with the bundled rules.</summary>
    public SecretsAnalyzer Secrets { get; } = new();

    /// <summary>The YARA analyzer with the bundled rules; its engine is built (and self-tested) on first use.</summary>
    public YaraAnalyzer Yara { get; } = new();

    /// <summary>libmagic, loaded on first use.</summary>
    /// <exception cref="InvalidOperationException">libmagic or its database could not be loaded.</exception>
    public LibMagic LibMagic => _magic.Value;

    /// <summary>The shared ClamAV analyzer of an endpoint (its self-test state is kept between scans).</summary>
    public ClamAvAnalyzer ClamAvFor(string endpoint) => ClamAvFor(endpoint, ClamAvOptions.DefaultMaxConnections);

    /// <summary>The shared ClamAV analyzer of an endpoint with at most <paramref name="maxConnections"/> connections at once.</summary>
    public ClamAvAnalyzer ClamAvFor(string endpoint, int maxConnections) =>
        _clamAv.GetOrAdd(maxConnections == ClamAvOptions.DefaultMaxConnections ? endpoint : $"{endpoint}#{maxConnections}",
            _ => new ClamAvAnalyzer(new ClamAvOptions { Endpoint = endpoint, MaxConnections = maxConnections }, _time));

    /// <summary>Loads the YARA engine (libyara with its ABI self-test, else the CLI) and says which one runs.</summary>
    public string YaraEngine()
    {
        Yara.EnsureLoaded();
        return Yara.EngineDescription ?? "loaded";
    }

    /// <summary>Frees the YARA rules (after running scans end) and libmagic; call once no scan uses them.</summary>
    public void Dispose()
    {
        Yara.Dispose();
        if (_magic.IsValueCreated) _magic.Value.Dispose();
    }
}
