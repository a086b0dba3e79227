namespace Gatehouse.Analysis.Vulnerabilities.Vex;

/// <summary>
/// A VEX document a vendor submits to answer vulnerability findings: OpenVEX v0.2.0 JSON or CycloneDX JSON with
/// <c>vulnerabilities[].analysis</c>, reduced to the statements Gatehouse needs. Parsed from untrusted input: bounded
/// (<see cref="DefaultMaxBytes"/>, <see cref="DefaultMaxStatements"/>, nesting <see cref="MaxDepth"/>), duplicate keys
/// refused, stable error codes (<see cref="VexParseError"/>); nothing throws but the stream's own errors.
/// </summary>
/// <param name="Format">The format it was written in.</param>
/// <param name="Id">The document's ID (OpenVEX <c>@id</c>, CycloneDX <c>serialNumber</c>), when it has one.</param>
/// <param name="Author">Who wrote it (OpenVEX <c>author</c>, CycloneDX <c>metadata.authors[0].name</c> or the supplier), when given.</param>
/// <param name="Timestamp">When it was written, when given.</param>
/// <param name="Statements">The statements, in document order.</param>
public sealed record VexDocument(VexFormat Format, string? Id, string? Author, DateTimeOffset? Timestamp, IReadOnlyList<VexStatement> Statements)
{
    /// <summary>Largest document parsed by default.</summary>
    public const long DefaultMaxBytes = 16L * 1024 * 1024;

    /// <summary>Most statements parsed by default.</summary>
    public const int DefaultMaxStatements = 10_000;

    /// <summary>Deepest JSON nesting accepted.</summary>
    public const int MaxDepth = 64;

    /// <summary>Parses a VEX document from <paramref name="input"/> (read to its end or the byte limit, not closed).</summary>
    public static VexParseResult Parse(Stream input, long maxBytes = DefaultMaxBytes, int maxStatements = DefaultMaxStatements) =>
        throw new NotImplementedException();

    /// <summary>Parses a VEX document from UTF-8 bytes.</summary>
    public static VexParseResult Parse(ReadOnlySpan<byte> utf8, long maxBytes = DefaultMaxBytes, int maxStatements = DefaultMaxStatements) =>
        throw new NotImplementedException();
}
