using Gatehouse.Server.Errors;

namespace Gatehouse.Server.Apps;

/// <summary>
/// Every lifecycle action after creation (submit, approve, request-changes, reject, rescan, publish, quarantine, suspend,
/// reinstate, delist) as a person asks for it: finds the version the caller may see, settles the capacity they act in
/// (<see cref="AppAccess.CallerAsync"/>) and hands the rest to <see cref="VersionWorkflow.RequestAsync"/>, which decides.
/// </summary>
public sealed class VersionActions(AppAccess apps, VersionWorkflow workflow)
{
    public async Task<Outcome<VersionInfo>> ActAsync(HttpContext http, string app, string version, ActionRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var (row, v) = await apps.FindVersionAsync(http.User, app, version, ct);
        if (row is null || v is null) return Refusal.NotFound("Version");
        var caller = await apps.CallerAsync(http, row, ct);
        if (caller is null) return Refusal.Forbidden("only the vendor organisation's members and staff act on versions");
        var action = request.Action ?? "";
        var outcome = await workflow.RequestAsync(row, v, action, caller, request.ReasonCodes ?? [], request.Text, ct);
        return VersionRefusals.Of(outcome, v, action) is { } refusal ? refusal : VersionInfo.From(row, outcome.Version);
    }
}
