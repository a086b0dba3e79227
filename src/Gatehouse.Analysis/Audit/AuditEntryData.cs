namespace Gatehouse.Analysis.Audit;

/// <summary>
/// One audit log entry as it crosses a boundary (database row, REST response, CLI input).
/// The fields in <see cref="AuditChain.Canonicalize"/> are the ones the hash covers; <see cref="Hash"/> is not.
/// </summary>
/// <param name="Sequence">1-based, gap-free position in the chain.</param>
/// <param name="AtUnixMs">When the action happened, Unix milliseconds (UTC), so every database keeps it exactly.</param>
/// <param name="Actor">Who acted: a user id, <c>system</c>, or <c>anonymous</c>.</param>
/// <param name="Action">Stable action ID such as <c>auth.login.succeeded</c>.</param>
/// <param name="OrganizationId">The vendor organisation the action concerns, if any.</param>
/// <param name="Subject">What the action was done to (user id, token id, ...), if any.</param>
/// <param name="ClientAddress">The client's IP address, if the action came over HTTP.</param>
/// <param name="Data">Extra facts as a JSON object string; never secrets.</param>
/// <param name="PreviousHash">Lower-case hex SHA-256 of the previous entry (64 zeros for the first).</param>
/// <param name="Hash">Lower-case hex SHA-256 over the previous hash and this entry's canonical form.</param>
public sealed record AuditEntryData(
    long Sequence,
    long AtUnixMs,
    string Actor,
    string Action,
    string? OrganizationId,
    string? Subject,
    string? ClientAddress,
    string Data,
    string PreviousHash,
    string Hash);
