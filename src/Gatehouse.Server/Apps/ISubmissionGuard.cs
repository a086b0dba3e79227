namespace Gatehouse.Server.Apps;

/// <summary>
/// A submission guard a feature adds without the workflow knowing it (the vendor signature, issue 19): asked by
/// <see cref="VersionWorkflow.SubmissionGuardsAsync"/> with the built-in guards, so its failures block a submission and are
/// listed among a draft's <c>submissionBlockers</c>.
/// </summary>
public interface ISubmissionGuard
{
    /// <summary>What does not hold for submitting <paramref name="version"/>; empty when nothing blocks.</summary>
    Task<IReadOnlyList<GuardFailure>> CheckAsync(App app, AppVersion version, CancellationToken ct);
}
