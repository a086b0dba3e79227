namespace Gatehouse.Analysis.Analyzers.FileType;

/// <summary>What <see cref="FileTypeDetector"/> decided about one file's content.</summary>
/// <param name="Mime">The refined MIME type (a <see cref="FileTypes"/> constant or libmagic's answer).</param>
/// <param name="MagicMime">libmagic's own answer, kept for the report and for debugging refinements.</param>
/// <param name="Confident">
/// True when our own signature check confirmed the type (executable headers, zip/gzip/tar/PDF/image
/// magic, SVG/HTML root elements). Only confident types are used to claim a mismatch: a weak
/// libmagic guess (1.3 % of random files get one) must never block on its own.
/// </param>
public sealed record FileTypeDetection(string Mime, string MagicMime, bool Confident)
{
    /// <summary>A zip-based Office file (or any zip) holding a VBA project (<c>vbaProject.bin</c>): macros.</summary>
    public bool HasMacros { get; init; }
}
