namespace Gatehouse.Analysis.Charts;

/// <summary>
/// Limits for reading and rendering Helm charts (the policy file's <c>charts</c> section). Helm's own loader allows 100 MiB
/// decompressed and 5 MiB per file; a chart is text, so the defaults are stricter.
/// </summary>
public sealed record ChartPolicy
{
    public static readonly ChartPolicy Default = new();

    /// <summary>All files of the chart, decompressed, nested sub-chart archives included (default 20 MiB; Helm allows 100 MiB).</summary>
    public long MaxTotalBytes { get; init; } = 20L << 20;
    /// <summary>One file, decompressed (default 5 MiB, as Helm).</summary>
    public long MaxFileBytes { get; init; } = 5L << 20;
    /// <summary>Files in the chart, sub-charts included (default 5 000).</summary>
    public int MaxFiles { get; init; } = 5_000;
    /// <summary>Deepest path, in segments (default 16).</summary>
    public int MaxPathDepth { get; init; } = 16;
    /// <summary><c>helm template</c> runs per scan: the defaults plus declared values files (default 8; more values files are not rendered, and the scan is incomplete).</summary>
    public int MaxRenders { get; init; } = 8;
    /// <summary>Wall-clock budget of one <c>helm template</c> run (default 30 s); the process tree is killed after it.</summary>
    public TimeSpan RenderTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Largest output of one render (default 16 MiB); Helm is killed when it writes more.</summary>
    public long MaxRenderBytes { get; init; } = 16L << 20;
    /// <summary>Objects of one render (default 5 000).</summary>
    public int MaxObjects { get; init; } = 5_000;
    /// <summary>YAML nodes of one document or render, aliases counted as often as they are used (default 1 000 000): no alias bomb expands past it.</summary>
    public int MaxYamlNodes { get; init; } = 1_000_000;
}
