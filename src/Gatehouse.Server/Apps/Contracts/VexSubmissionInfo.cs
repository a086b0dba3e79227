namespace Gatehouse.Server.Apps;

/// <summary>
/// The answer to a VEX document (<c>POST /api/apps/{app}/versions/{version}/vex</c>): the suppression requests it made (one
/// per finding a <c>not_affected</c> statement answers, for a reviewer to approve or reject) and the statements that made
/// none, each with the reason. Nothing of the latter is stored.
/// </summary>
/// <param name="Format"><c>openvex</c> or <c>cyclonedx</c>.</param>
public sealed record VexSubmissionInfo(string Format, int Statements, IReadOnlyList<SuppressionInfo> Requested, IReadOnlyList<VexStatementInfo> NotApplied);
