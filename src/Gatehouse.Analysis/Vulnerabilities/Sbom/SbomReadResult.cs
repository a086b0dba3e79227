using System.Diagnostics.CodeAnalysis;
using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Vulnerabilities.Sbom;

/// <summary>The outcome of <see cref="CycloneDxReader.Read(Stream, string, long, int)"/>: the declared packages, or an error, never both.</summary>
public sealed record SbomReadResult
{
    /// <summary>The packages the SBOM declares (components with a purl Gatehouse can read), sorted by purl; null on error.</summary>
    public IReadOnlyList<CatalogedPackage>? Packages { get; private init; }

    /// <summary>The reason, when the SBOM was refused.</summary>
    public SbomReadError? Error { get; private init; }

    /// <summary>The document's <c>specVersion</c> (e.g. <c>1.6</c>), when read.</summary>
    public string? SpecVersion { get; private init; }

    /// <summary>The document's <c>serialNumber</c>, when it has one.</summary>
    public string? SerialNumber { get; private init; }

    /// <summary>The name of <c>metadata.component</c> (what the SBOM says it describes), when it has one.</summary>
    public string? SubjectName { get; private init; }

    /// <summary>The version of <c>metadata.component</c>, when it has one.</summary>
    public string? SubjectVersion { get; private init; }

    /// <summary>Components without a purl (files, the vendor's own modules): not comparable, counted so the user knows.</summary>
    public int ComponentsWithoutPurl { get; private init; }

    /// <summary>Components whose purl is not a valid package URL: skipped, the first few named in <see cref="Warnings"/>.</summary>
    public int InvalidPurls { get; private init; }

    /// <summary>What was skipped and why (at most a handful), for the user.</summary>
    public IReadOnlyList<string> Warnings { get; private init; } = [];

    /// <summary>Whether <see cref="Packages"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Packages))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Success => Packages is not null;

    internal static SbomReadResult Ok(IReadOnlyList<CatalogedPackage> packages, string specVersion, string? serialNumber,
        string? subjectName, string? subjectVersion, int withoutPurl, int invalidPurls, IReadOnlyList<string> warnings) =>
        new()
        {
            Packages = packages,
            SpecVersion = specVersion,
            SerialNumber = serialNumber,
            SubjectName = subjectName,
            SubjectVersion = subjectVersion,
            ComponentsWithoutPurl = withoutPurl,
            InvalidPurls = invalidPurls,
            Warnings = warnings,
        };

    internal static SbomReadResult Fail(string code, string message) => new() { Error = new SbomReadError(code, message) };
}
