using Gatehouse.Server.Errors;

namespace Gatehouse.Server.Apps;

/// <summary>The refusals of the version lifecycle, with their stable problem codes (docs/errors/).</summary>
internal static class VersionRefusals
{
    /// <summary>The extension of a <see cref="ProblemCodes.LifecycleGuardFailed"/> refusal that lists every failed guard.</summary>
    public const string GuardsKey = "guards";

    public static Refusal InvalidTransition(AppVersion v, string action)
    {
        ArgumentNullException.ThrowIfNull(v);
        return new(StatusCodes.Status409Conflict, ProblemCodes.LifecycleInvalidTransition, "Not allowed in this state",
            $"cannot {action} a version that is {v.State}", new Dictionary<string, object?> { ["state"] = v.State });
    }

    public static Refusal ConflictOfInterest() =>
        new(StatusCodes.Status403Forbidden, ProblemCodes.ConflictOfInterest, "Conflict of interest",
            "staff cannot take a permissive decision (approve, publish, reinstate, ...) on an organisation they belong to; protective ones (quarantine, suspend, ...) stay open");

    public static Refusal GuardsFailed(IReadOnlyList<GuardFailure> failures) =>
        new(StatusCodes.Status409Conflict, ProblemCodes.LifecycleGuardFailed, "A guard of this transition did not hold",
            string.Join("; ", failures.Select(f => $"{f.Code}: {f.Message}")),
            new Dictionary<string, object?> { [GuardsKey] = failures });

    /// <summary>Every failed guard of a <see cref="ProblemCodes.LifecycleGuardFailed"/> refusal; empty for any other.</summary>
    public static IReadOnlyList<GuardFailure> Guards(Refusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return refusal.Extra is not null && refusal.Extra.TryGetValue(GuardsKey, out var g) && g is IEnumerable<GuardFailure> list ? [.. list] : [];
    }

    /// <summary>A transition that did not happen, as a refusal; null when it was done.</summary>
    public static Refusal? Of(TransitionOutcome outcome, AppVersion asked, string action)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Status switch
        {
            TransitionStatus.Done => null,
            TransitionStatus.Invalid => Refusal.Invalid(outcome.Detail ?? "the request is not valid"),
            TransitionStatus.ReviewersOnly => Refusal.Forbidden($"only reviewers may {action}"),
            TransitionStatus.NotAllowed => InvalidTransition(asked, action),
            TransitionStatus.ConflictOfInterest => ConflictOfInterest(),
            TransitionStatus.Raced => Refusal.Conflict("the version changed at the same time; read it again"),
            _ => GuardsFailed(outcome.Failures),
        };
    }
}
