using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Analysis.Vulnerabilities.Vex;

/// <summary>The outcome of <see cref="VexDocument.Parse(Stream, long, int)"/>: a document or an error, never both.</summary>
public sealed record VexParseResult
{
    /// <summary>The document, when parsing succeeded.</summary>
    public VexDocument? Document { get; private init; }

    /// <summary>The reason, when parsing failed.</summary>
    public VexParseError? Error { get; private init; }

    /// <summary>Whether <see cref="Document"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Document))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Success => Document is not null;

    internal static VexParseResult Ok(VexDocument document) => new() { Document = document };

    internal static VexParseResult Fail(string code, string message) => new() { Error = new VexParseError(code, message) };
}
