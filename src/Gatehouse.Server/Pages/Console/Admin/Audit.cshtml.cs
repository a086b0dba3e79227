using System.Globalization;
using System.Text.Json;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Pages.Console.Admin;

/// <summary>
/// Audit log search (a GET form, so a search is a link), newest first, paged by sequence; and the chain's
/// verification: the last background verification (<c>audit.verified</c>) and a button that verifies the whole
/// chain now with the same code as <c>GET /api/audit/verify</c>.
/// </summary>
public sealed class AuditModel(GatehouseDb db) : PageModel
{
    public const int PageSize = 50;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [BindProperty(SupportsGet = true)] public string? Action { get; set; }
    [BindProperty(SupportsGet = true)] public string? Actor { get; set; }
    [BindProperty(SupportsGet = true)] public string? Org { get; set; }
    [BindProperty(SupportsGet = true)] public string? Subject { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    /// <summary>Show entries with a sequence below this (the next page's cursor).</summary>
    [BindProperty(SupportsGet = true)] public long? Before { get; set; }

    public sealed record Row(AuditEntry Entry, string? ActorEmail, string Data);

    public IReadOnlyList<Row> Entries { get; private set; } = [];
    public long? NextBefore { get; private set; }
    public AuditEntry? LastVerification { get; private set; }
    public AuditVerification? VerifiedNow { get; private set; }
    public long Head { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var q = db.AuditEntries.AsNoTracking();
        if (Before is { } b) q = q.Where(e => e.Sequence < b);
        if (!string.IsNullOrWhiteSpace(Action))
        {
            var prefix = Action.Trim();
            q = q.Where(e => e.Action.StartsWith(prefix));
        }
        if (!string.IsNullOrWhiteSpace(Actor))
        {
            var actor = Actor.Trim();
            // An e-mail address is looked up; anything else is an actor as stored (a user id, system, anonymous).
            if (actor.Contains('@', StringComparison.Ordinal))
            {
                var normalized = actor.ToUpperInvariant();
                actor = await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).FirstOrDefaultAsync(ct) ?? actor;
            }
            q = q.Where(e => e.Actor == actor);
        }
        if (!string.IsNullOrWhiteSpace(Org)) q = q.Where(e => e.OrganizationId == Org.Trim());
        if (!string.IsNullOrWhiteSpace(Subject)) q = q.Where(e => e.Subject == Subject.Trim());
        if (From is { } from)
        {
            var ms = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
            q = q.Where(e => e.AtUnixMs >= ms);
        }
        if (To is { } to)
        {
            var ms = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
            q = q.Where(e => e.AtUnixMs < ms);
        }
        var rows = await q.OrderByDescending(e => e.Sequence).Take(PageSize + 1).ToListAsync(ct);
        if (rows.Count > PageSize)
        {
            rows.RemoveAt(PageSize);
            NextBefore = rows[^1].Sequence;
        }
        var actors = rows.Select(r => r.Actor).Distinct().ToList();
        var emails = await db.Users.AsNoTracking().Where(u => actors.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, ct);
        Entries = [.. rows.Select(r => new Row(r, emails.GetValueOrDefault(r.Actor), Pretty(r.Data)))];

        LastVerification = await db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.AuditVerified)
            .OrderByDescending(e => e.Sequence).FirstOrDefaultAsync(ct);
        Head = await db.AuditEntries.MaxAsync(e => (long?)e.Sequence, ct) ?? 0;
        if (TempData["AuditVerification"] is string json) VerifiedNow = JsonSerializer.Deserialize<AuditVerification>(json, JsonSerializerOptions.Web);
    }

    /// <summary>Verifies the whole chain now (read-only: nothing is appended) and shows the outcome.</summary>
    public async Task<IActionResult> OnPostVerifyAsync(CancellationToken ct)
    {
        var result = await AuditApi.VerifyChainAsync(db, ct);
        TempData["AuditVerification"] = JsonSerializer.Serialize(result, JsonSerializerOptions.Web);
        return RedirectToPage();
    }

    /// <summary>The query string of this search with another cursor.</summary>
    public string Link(long? before)
    {
        var parts = new List<KeyValuePair<string, string?>>();
        void Add(string k, string? v) { if (!string.IsNullOrWhiteSpace(v)) parts.Add(new(k, v)); }
        Add("action", Action);
        Add("actor", Actor);
        Add("org", Org);
        Add("subject", Subject);
        Add("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("before", before?.ToString(CultureInfo.InvariantCulture));
        return "/console/admin/audit" + Microsoft.AspNetCore.Http.QueryString.Create(parts).ToUriComponent();
    }

    private static string Pretty(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(doc.RootElement, Indented);
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
