using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Analysis.Vulnerabilities.Osv;

/// <summary>The outcome of <see cref="OsvParser.Parse(ReadOnlySpan{byte}, int)"/>: a record or an error, never both.</summary>
public sealed record OsvParseResult
{
    /// <summary>The record, when parsing succeeded.</summary>
    public OsvRecord? Record { get; private init; }

    /// <summary>The reason, when parsing failed.</summary>
    public OsvParseError? Error { get; private init; }

    /// <summary>Whether <see cref="Record"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Record))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Success => Record is not null;

    internal static OsvParseResult Ok(OsvRecord record) => new() { Record = record };

    internal static OsvParseResult Fail(string code, string message) => new() { Error = new OsvParseError(code, message) };
}
