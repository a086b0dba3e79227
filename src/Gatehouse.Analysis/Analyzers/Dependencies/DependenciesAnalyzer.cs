using System.Text;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Vulnerabilities.Catalogers;
using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Analyzers.Dependencies;

/// <summary>
/// Finds what an artifact is built from (issue 16): on every file, the artifact's members and theirs at any depth
/// (<c>app.zip!/lib/x.jar!/META-INF/maven/g/a/pom.properties</c>), it asks which cataloger reads the path
/// (<see cref="DependencyFiles"/>: a name lookup, nothing read for the files none reads), reads the content bounded
/// (<see cref="MaxFileBytes"/>), parses it and adds the packages to the scan's <see cref="PackageInventory"/>
/// (<see cref="AnalysisContext.Packages"/>). Distribution release files (os-release, debian_version, alpine-release) go
/// to the inventory too, which resolves OS packages against them once the walk is over. A lockfile that cannot be read
/// (malformed, too large, or a cataloger that failed) is the finding <c>dependencies.unreadable</c>: its packages are not
/// known, so nothing can be matched against advisories, and a person should look. Never throws for a hostile file.
/// </summary>
public sealed class DependenciesAnalyzer : IFileAnalyzer
{
    /// <summary>The finding for a dependency file that could not be read.</summary>
    public const string UnreadableRuleId = "dependencies.unreadable";

    /// <summary>Largest dependency file read (the catalogers' own caps are at most this; real lockfiles are a few MB).</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    private static readonly RuleDescriptor UnreadableRule = new(
        UnreadableRuleId,
        "A dependency file could not be read",
        Severity.Medium,
        "GH-DEP-2",
        "A lockfile, manifest or package database (package-lock.json, pom.xml, var/lib/dpkg/status, ...) is malformed, "
        + "larger than the engine reads, or could not be parsed, so the packages it lists are not in the inventory and are not "
        + "matched against advisories. Regenerate it with the package manager (npm install, dotnet restore, poetry lock, ...) "
        + "or remove it if it is not part of the app.");

    /// <summary>Every rule this analyzer can report, for <c>gatehouse rules</c>, SARIF and docs.</summary>
    public static IReadOnlyList<RuleDescriptor> AllRules { get; } = [UnreadableRule];

    /// <inheritdoc/>
    public string Id => "dependencies";

    /// <inheritdoc/>
    public string Version => "1.0.0";

    /// <inheritdoc/>
    public IReadOnlyList<RuleDescriptor> Rules => AllRules;

    /// <inheritdoc/>
    public async ValueTask AnalyzeAsync(ScanFile file, AnalysisContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Packages is not { } inventory) return;
        // The artifact reaches analyzers under a neutral name; a lockfile checked on its own is known by its real one.
        var byName = file.Depth == 0 && context.ArtifactName is { Length: > 0 } name ? name : file.Path;
        if (DependencyFiles.Classify(byName) is not { } format) return;

        if (format == DependencyFormat.Release)
        {
            if (file.Length > OsRelease.MaxBytes) return; // not a release file: real ones are under 1 KiB
            var release = await ReadAsync(file, OsRelease.MaxBytes, ct);
            if (release is not null) inventory.AddReleaseFile(file.Path, Text(release.Value.Span));
            return;
        }
        var limit = format == DependencyFormat.RpmDb ? RpmDbCataloger.MaxBytes : MaxFileBytes;
        if (file.Length > limit)
        {
            Unreadable(file, context, format, $"larger than {limit / (1024 * 1024)} MiB, the most the engine reads");
            return;
        }
        var content = await ReadAsync(file, limit, ct);
        if (content is null)
        {
            Unreadable(file, context, format, $"larger than {limit / (1024 * 1024)} MiB, the most the engine reads");
            return;
        }

        IReadOnlyList<CatalogedPackage> packages;
        string? problem;
        try
        {
            (packages, problem) = format == DependencyFormat.RpmDb
                ? ParseRpmDb(content.Value, file.Path, context.TempDirectory)
                : Parse(format, content.Value, file.Path);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            // A cataloger is a parser of hostile text: its failure is this file's, not the scan's.
            (packages, problem) = ([], $"the {format} cataloger failed ({e.GetType().Name}: {e.Message})");
        }
        if (problem is not null)
        {
            Unreadable(file, context, format, problem);
            return;
        }
        foreach (var package in packages) inventory.Add(package);
    }

    private static (IReadOnlyList<CatalogedPackage>, string?) Parse(DependencyFormat format, ReadOnlyMemory<byte> content, string path)
    {
        string? problem = null;
        IReadOnlyList<CatalogedPackage> packages = format switch
        {
            DependencyFormat.NpmLock => NpmLockCataloger.Parse(WithoutBom(content), path, out problem),
            DependencyFormat.NuGet => NuGetCataloger.Parse(WithoutBom(content), path, out problem),
            DependencyFormat.PnpmLock => PnpmLockCataloger.Parse(Text(content.Span), path, out problem),
            DependencyFormat.Nuspec => NuspecCataloger.Parse(Text(content.Span), path, out problem) is { } p ? [p] : [],
            DependencyFormat.Dpkg => DpkgStatusCataloger.Parse(Text(content.Span), path, os: null),
            DependencyFormat.Apk => ApkInstalledCataloger.Parse(Text(content.Span), path, os: null),
            DependencyFormat.PomXml => PomXmlCataloger.Parse(Text(content.Span), path, out problem),
            DependencyFormat.Python => PythonCataloger.Parse(PythonCataloger.FormatOf(path)!, Text(content.Span), path, out problem),
            DependencyFormat.Lockfile => LockfileCatalogers.Parse(LockfileCatalogers.FormatOf(path)!, Text(content.Span), path, out problem),
            DependencyFormat.TextLock => TextLockCatalogers.Parse(TextLockCatalogers.FormatOf(path)!, Text(content.Span), path),
            // A package.json or pom.properties that names no package is not a lockfile: nothing to report.
            DependencyFormat.Manifest => ManifestCatalogers.Parse(ManifestCatalogers.FormatOf(path)!, Text(content.Span), path) is { } m ? [m] : [],
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a format this analyzer parses from text"),
        };
        return (packages, problem);
    }

    /// <summary>SQLite reads files, not buffers: a private copy in the scan's folder, removed at once.</summary>
    private static (IReadOnlyList<CatalogedPackage>, string?) ParseRpmDb(ReadOnlyMemory<byte> content, string path, string? tempDirectory)
    {
        var copy = System.IO.Path.Combine(tempDirectory ?? System.IO.Path.GetTempPath(), "rpmdb-" + Guid.NewGuid().ToString("N") + ".sqlite");
        try
        {
            using (var stream = new FileStream(copy, PrivateFiles.CreateNew(FileAccess.Write)))
                stream.Write(content.Span);
            var packages = RpmDbCataloger.Parse(copy, path, out var problem);
            return (packages, problem);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    /// <summary>The whole content, at most <paramref name="limit"/> bytes; null when there is more.</summary>
    private static async ValueTask<ReadOnlyMemory<byte>?> ReadAsync(ScanFile file, long limit, CancellationToken ct)
    {
        if (file.Content is { } held) return held.Length <= limit ? held : null;
        await using var stream = file.Open();
        var buffer = new MemoryStream((int)Math.Min(Math.Max(file.Length, 0), limit));
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > limit) return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static ReadOnlyMemory<byte> WithoutBom(ReadOnlyMemory<byte> content) =>
        content.Span.StartsWith("\uFEFF"u8) ? content[3..] : content;

    private static string Text(ReadOnlySpan<byte> content) =>
        Encoding.UTF8.GetString(content.StartsWith("\uFEFF"u8) ? content[3..] : content);

    private void Unreadable(ScanFile file, AnalysisContext context, DependencyFormat format, string problem)
    {
        context.Report(new Finding(
            UnreadableRuleId,
            UnreadableRule.DefaultSeverity,
            file.Path,
            $"{file.Path} could not be read as a dependency file ({problem}); the packages it lists are not known and not checked against advisories",
            Fingerprints.Of(UnreadableRuleId, file.Path, format.ToString()))
        {
            RequirementId = UnreadableRule.RequirementId,
            AnalyzerId = Id,
        });
    }
}
