namespace Gatehouse.Analysis.Vulnerabilities.Matching;

/// <summary>How current an advisory store is, so a stale feed is visible (<c>/api/advisories/status</c>, <c>gatehouse advisories status</c>).</summary>
/// <param name="Advisories">Advisories held (withdrawn ones included).</param>
/// <param name="LastImport">When the last import finished; null: never.</param>
/// <param name="Ecosystems">Per OSV ecosystem (<c>npm</c>, <c>Debian:12</c>, ...): count and newest <c>modified</c>, by name.</param>
public sealed record AdvisoryStoreStatus(long Advisories, DateTimeOffset? LastImport, IReadOnlyList<EcosystemStatus> Ecosystems);

/// <summary>One ecosystem's advisories in a store.</summary>
public sealed record EcosystemStatus(string Ecosystem, long Advisories, DateTimeOffset? NewestModified);

/// <summary>What one import did: records read, added, updated (newer <c>modified</c>), skipped (same or older), invalid (with their first problems).</summary>
public sealed record AdvisoryImportResult(long Read, long Added, long Updated, long Skipped, long Invalid, IReadOnlyList<string> Problems, TimeSpan Elapsed);
