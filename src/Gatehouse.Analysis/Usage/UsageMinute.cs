namespace Gatehouse.Analysis.Usage;

/// <summary>
/// One metering aggregate: the calls one app made for one installation (tenant) to one endpoint template in one minute.
/// Counts are <see cref="long"/> because they come from an outside meter; detectors add them up as <see cref="double"/>
/// so that hostile, huge counts cannot overflow.
/// </summary>
/// <param name="AppId">The app that made the calls.</param>
/// <param name="InstallationId">The installation or tenant the calls were made for.</param>
/// <param name="Endpoint">The endpoint template (<c>GET /api/tenants/{id}/files</c>), never the raw path, so ids do not explode the cardinality.</param>
/// <param name="Minute">The start of the minute (UTC).</param>
/// <param name="Calls">All calls.</param>
/// <param name="Status2xx">Calls answered 2xx.</param>
/// <param name="Status4xx">Calls answered 4xx (including the 401 and 403 counted again below).</param>
/// <param name="Status5xx">Calls answered 5xx.</param>
/// <param name="Unauthorized401">Calls answered 401 (bad or expired credentials).</param>
/// <param name="Forbidden403">Calls answered 403.</param>
/// <param name="ScopeViolations">The 403s for a scope the token lacks.</param>
/// <param name="BytesOut">Response bytes sent to the app.</param>
/// <param name="Pages">Calls that followed a next-page cursor of a paginated list.</param>
/// <param name="NotInstalledCalls">Calls for a tenant where the app is not installed (<paramref name="InstallationId"/> is then that tenant).</param>
public sealed record UsageMinute(
    string AppId,
    string InstallationId,
    string Endpoint,
    DateTimeOffset Minute,
    long Calls,
    long Status2xx = 0,
    long Status4xx = 0,
    long Status5xx = 0,
    long Unauthorized401 = 0,
    long Forbidden403 = 0,
    long ScopeViolations = 0,
    long BytesOut = 0,
    long Pages = 0,
    long NotInstalledCalls = 0);
