using System.Diagnostics.Metrics;
using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Audit;

/// <summary>
/// The one place that records security-relevant refusals (docs/audit.md#security-refusals): refused credentials,
/// 404s on other organisations' objects, policy 403s, altered download URLs, OAuth token-endpoint errors. A
/// refusal costs a counter increment and an in-memory tally, never a database write: <see cref="RefusalAggregator"/>
/// folds them per (actor, reason) and window, and <see cref="SecurityRefusalsFlusher"/> writes one
/// <c>security.refused.&lt;reason&gt;</c> audit entry per tally.
/// </summary>
public sealed class SecurityRefusals
{
    public const string MeterName = "Gatehouse.Security";
    /// <summary>The audit action prefix; the reason follows.</summary>
    public const string ActionPrefix = "security.refused.";

    private readonly Counter<long> _refused;
    private readonly IHttpContextAccessor _http;

    public SecurityRefusals(TimeProvider time, IOptions<SecurityRefusalsOptions> options, IMeterFactory meters, IHttpContextAccessor http)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        Aggregator = new RefusalAggregator(time, options.Value);
        _refused = meters.Create(MeterName).CreateCounter<long>("gatehouse.security.refused");
        _http = http;
    }

    /// <summary>The tallies of the open window.</summary>
    public RefusalAggregator Aggregator { get; }

    /// <summary>Records a refusal of the caller of <paramref name="http"/>.</summary>
    public void Record(HttpContext http, string reason, string? subject)
    {
        ArgumentNullException.ThrowIfNull(http);
        Record(reason, ActorOf(http.User), http.Connection.RemoteIpAddress?.ToString(), subject);
    }

    /// <summary>Records a refusal of the current request's caller (for services that are not handed the request).</summary>
    public void RecordCurrent(string reason, string? subject)
    {
        if (_http.HttpContext is { } http) Record(http, reason, subject);
    }

    /// <summary>Records a refusal of an explicitly named actor.</summary>
    public void Record(string reason, string actor, string? address, string? subject)
    {
        _refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
        Aggregator.Add(reason, actor, address, subject);
    }

    /// <summary>
    /// Who the refused caller is, as far as the server authenticated them: a user id, <c>apikey:ID</c>,
    /// <c>client:ID</c> (an OAuth access token), else <c>anonymous</c> (the client address then tells callers apart).
    /// </summary>
    public static string ActorOf(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true) return "anonymous";
        if (user.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } uid) return uid;
        if (user.FindFirstValue(ApiKeys.ApiKeyAuthenticationHandler.KeyIdClaim) is { Length: > 0 } key) return "apikey:" + key;
        if (user.FindFirstValue("client_id") is { Length: > 0 } client) return "client:" + client;
        return "anonymous";
    }
}

/// <summary>
/// Writes the closed windows of <see cref="SecurityRefusals"/> to the audit log: checks a few times per window,
/// and writes the open window on graceful stop, so nothing counted is lost to a restart.
/// </summary>
internal sealed class SecurityRefusalsFlusher(SecurityRefusals refusals, AuditLog audit, TimeProvider time,
    IOptions<SecurityRefusalsOptions> options, ILogger<SecurityRefusalsFlusher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A quarter window: an entry is written at most 1.25 windows after its first refusal.
        var tick = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(250).Ticks, options.Value.Window.Ticks / 4));
        try
        {
            // A delay per round, not a PeriodicTimer: a clock that jumps (a suspended VM, a fake clock in tests) then
            // costs one round, not one round per tick it skipped.
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(tick, time, stoppingToken);
                await FlushAsync(force: false, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        await FlushAsync(force: true, CancellationToken.None);
    }

    /// <summary>Writes one audit entry per tally of the window, if it is due (or at once with <paramref name="force"/>).</summary>
    public async Task<int> FlushAsync(bool force, CancellationToken ct)
    {
        var due = refusals.Aggregator.TakeDue(force);
        foreach (var s in due)
        {
            try
            {
                await audit.AppendAsync(ToEvent(s), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The tally is gone from memory; the log keeps what it said.
                logger.LogError(ex, "Could not audit {Count} refusals ({Reason}) of {Actor} from {Address}", s.Count, s.Reason, s.Actor, s.Address);
            }
        }
        return due.Count;
    }

    internal static AuditEvent ToEvent(RefusalSummary s) => new(
        SecurityRefusals.ActionPrefix + s.Reason, s.Actor, ClientAddress: s.Address,
        Data: new
        {
            reason = s.Reason,
            count = s.Count,
            windowStartUnixMs = s.WindowStart.ToUnixTimeMilliseconds(),
            firstAtUnixMs = s.First.ToUnixTimeMilliseconds(),
            lastAtUnixMs = s.Last.ToUnixTimeMilliseconds(),
            subjects = s.Subjects,
            otherSubjects = s.OtherSubjects,
            addresses = s.Addresses,
            reasons = s.Reasons,
        });
}
