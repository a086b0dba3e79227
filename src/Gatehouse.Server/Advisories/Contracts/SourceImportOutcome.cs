using Gatehouse.Analysis.Vulnerabilities.Matching;

namespace Gatehouse.Server.Advisories;

/// <summary>What the scheduled import did with one source: its counts, or why it could not be read.</summary>
/// <param name="Source">The source as it may be shown (<see cref="AdvisorySource.Display"/>).</param>
internal sealed record SourceImportOutcome(string Source, AdvisoryImportResult? Result, string? Error);
