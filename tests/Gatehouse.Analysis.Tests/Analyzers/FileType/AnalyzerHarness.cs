using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Tests.Analyzers.FileType;

/// <summary>Runs one file analyzer on in-memory content and collects its findings.</summary>
internal static class AnalyzerHarness
{
    public static ScanFile File(string path, byte[] content, int depth = 0) => new()
    {
        Path = path,
        Length = content.Length,
        Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)),
        Depth = depth,
        Open = () => new MemoryStream(content, writable: false),
    };

    public static List<Finding> Run(IFileAnalyzer analyzer, ScanFile file, Policy? policy = null, string artifactType = "downloadable")
    {
        var findings = new List<Finding>();
        var context = new AnalysisContext(policy ?? Policy.Default, artifactType, f => { lock (findings) findings.Add(f); });
        analyzer.AnalyzeAsync(file, context, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return findings;
    }

    public static List<Finding> Run(IFileAnalyzer analyzer, string path, byte[] content, Policy? policy = null, string artifactType = "downloadable", int depth = 0) =>
        Run(analyzer, File(path, content, depth), policy, artifactType);
}
