using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Data;
using Gatehouse.Server.Evidence;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Server.Tests.Evidence;

/// <summary>
/// Expiry of verified evidence: one warning when an item enters the listing policy's warning window
/// (30 days by default), one notice once it has expired, however often the job runs.
/// </summary>
public sealed class EvidenceExpiryTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static Task<string?> RunJobAsync(GatehouseApp app) =>
        app.WithScopeAsync(sp => sp.GetServices<IWorkHandler>().Single(h => h.Kind == "evidence.expiry")
            .RunAsync(new WorkItem { Id = Guid.NewGuid(), Kind = "evidence.expiry", Payload = "{}" }, CancellationToken.None));

    private sealed record Marks(DateTimeOffset? Warned, DateTimeOffset? Expired);

    private static Task<Dictionary<Guid, Marks>> MarksAsync(GatehouseApp app) =>
        app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().EvidenceItems.AsNoTracking()
            .ToDictionaryAsync(e => e.Id, e => new Marks(e.ExpiryWarnedAt, e.ExpiredNotifiedAt)));

    /// <summary>Outbox rows of the evidence events, as "event evidenceId" (one per recipient: the organisation has one member).</summary>
    private static async Task<List<string>> OutboxAsync(GatehouseApp app, Guid orgId)
    {
        var rows = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Outbox.AsNoTracking()
            .Where(m => m.OrganizationId == orgId && m.Event.StartsWith("evidence.")).Select(m => new { m.Event, m.PayloadJson }).ToListAsync());
        return rows.Select(r => r.Event + " " + JsonDocument.Parse(r.PayloadJson).RootElement.GetProperty("data").GetProperty("evidenceId").GetGuid())
            .Order(StringComparer.Ordinal).ToList();
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Verified_evidence_is_warned_about_once_before_expiry_and_announced_once_after(DbKind db)
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = await GatehouseApp.StartAsync(db, services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        var (dev, token) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        var org = await app.CreateOrganizationAsync(dev.Id);
        EvidenceItem Item(string status, int fromDays, int untilDays) => new()
        {
            Id = Guid.NewGuid(), OrganizationId = org.Id, Type = EvidenceTypes.Soc2Type2, Issuer = "Audit & Co", Scope = "Acme Cloud",
            ValidFrom = Start.AddDays(fromDays), ValidUntil = Start.AddDays(untilDays), BlobDigest = "sha256:" + new string('c', 64),
            FileName = "soc2.pdf", Size = 1, Status = status, UploadedBy = dev.Id, UploadedAt = Start,
        };
        var soon = Item(EvidenceStatus.Verified, -300, 10);
        var later = Item(EvidenceStatus.Verified, -300, 60);
        var gone = Item(EvidenceStatus.Verified, -400, -1);
        var future = Item(EvidenceStatus.Verified, 5, 400);
        var unreviewed = Item(EvidenceStatus.PendingReview, -300, 5);
        await app.WithScopeAsync(async sp =>
        {
            var d = sp.GetRequiredService<GatehouseDb>();
            d.EvidenceItems.AddRange(soon, later, gone, future, unreviewed);
            await d.SaveChangesAsync();
        });

        // The list computes validity from the dates and the policy's warning window.
        using var client = app.ClientWith(token);
        var list = await client.GetFromJsonAsync<JsonElement>($"/api/orgs/{org.Id}/evidence");
        var validity = list.EnumerateArray().ToDictionary(e => e.GetProperty("id").GetGuid(), e => e.GetProperty("validity").GetString());
        Assert.Equal(("expiring", "valid", "expired", "not-yet-valid"), (validity[soon.Id], validity[later.Id], validity[gone.Id], validity[future.Id]));

        // First run: the item inside the window is warned, the expired one announced; nothing else.
        var first = JsonDocument.Parse((await RunJobAsync(app))!).RootElement;
        Assert.Equal((1, 1), (first.GetProperty("expiring").GetInt32(), first.GetProperty("expired").GetInt32()));
        var marks = await MarksAsync(app);
        Assert.Equal(new Marks(Start, null), marks[soon.Id]);
        Assert.Equal(new Marks(null, Start), marks[gone.Id]);
        Assert.Equal(new Marks(null, null), marks[later.Id]);
        Assert.Equal(new Marks(null, null), marks[future.Id]);
        Assert.Equal(new Marks(null, null), marks[unreviewed.Id]);
        var outbox = await OutboxAsync(app, org.Id);
        Assert.Equal(new[] { $"evidence.expired {gone.Id}", $"evidence.expiring {soon.Id}" }.Order(StringComparer.Ordinal), outbox);

        // Running again (an hour later) sends nothing twice.
        clock.Advance(TimeSpan.FromHours(1));
        var second = JsonDocument.Parse((await RunJobAsync(app))!).RootElement;
        Assert.Equal((0, 0), (second.GetProperty("expiring").GetInt32(), second.GetProperty("expired").GetInt32()));
        Assert.Equal(marks, await MarksAsync(app));
        Assert.Equal(outbox, await OutboxAsync(app, org.Id));

        // Eleven days on, the warned item has expired: announced once, not warned again.
        clock.Advance(TimeSpan.FromDays(11));
        await RunJobAsync(app);
        await RunJobAsync(app);
        marks = await MarksAsync(app);
        Assert.Equal(new Marks(Start, Start.AddHours(1).AddDays(11)), marks[soon.Id]);
        Assert.Equal(new Marks(null, null), marks[later.Id]);

        // Another twenty days, and the later one enters its window.
        clock.Advance(TimeSpan.FromDays(20));
        await RunJobAsync(app);
        Assert.Equal(new Marks(Start.AddHours(1).AddDays(31), null), (await MarksAsync(app))[later.Id]);

        Assert.Equal(
            new[] { $"evidence.expired {gone.Id}", $"evidence.expired {soon.Id}", $"evidence.expiring {later.Id}", $"evidence.expiring {soon.Id}" }.Order(StringComparer.Ordinal),
            await OutboxAsync(app, org.Id));
        var audit = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.AsNoTracking()
            .Where(e => e.OrganizationId == org.Id.ToString() && e.Action.StartsWith("evidence.")).Select(e => e.Action + " " + e.Subject).ToListAsync());
        Assert.Equal(
            new[] { $"evidence.expired {gone.Id}", $"evidence.expired {soon.Id}", $"evidence.expiry-warned {later.Id}", $"evidence.expiry-warned {soon.Id}" }.Order(StringComparer.Ordinal),
            audit.Order(StringComparer.Ordinal));
    }
}
