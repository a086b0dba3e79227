using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Notifications;
using Gatehouse.Server.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Gatehouse.Server.Tests.Notifications;

/// <summary>
/// Notifications end to end on the real host: the outbox, signed webhooks checked from the outside,
/// retries with back-off on a fake clock, dead letters, SSRF refusals, e-mail to files and over SMTP.
/// The hosts run as <c>web</c> only (no dispatch loop) unless a test is about the loop, so each pass
/// is the test's own <see cref="OutboxDispatcher.RunOnceAsync"/>.
/// </summary>
public sealed class NotificationTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var s = new Dictionary<string, string?>
        {
            ["Gatehouse:Roles"] = "web",
            ["Notifications:AllowHttpWebhooks"] = "true",
            ["Notifications:AllowedWebhookHosts"] = "127.0.0.1",
        };
        foreach (var (k, v) in extra) s[k] = v;
        return s;
    }

    private static Action<IServiceCollection> Clock(FakeTimeProvider clock) =>
        s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock));

    private sealed record Vendor(Organization Org, string OwnerEmail, HttpClient Owner);

    private static async Task<Vendor> VendorAsync(GatehouseApp app)
    {
        var (owner, token) = await app.UserWithTokenAsync(Roles.Developer, "owner");
        var org = await app.CreateOrganizationAsync(owner.Id);
        return new Vendor(org, owner.Email!, app.ClientWith(token));
    }

    private static async Task<WebhookCreated> CreateWebhookAsync(HttpClient client, Guid orgId, string url, params string[] events)
    {
        var r = await client.PostAsJsonAsync($"/api/orgs/{orgId}/webhooks", new { url, events = events.Length == 0 ? ["*"] : events });
        Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        return (await r.Content.ReadFromJsonAsync<WebhookCreated>())!;
    }

    private static Task<DispatchPass> PassAsync(GatehouseApp app) =>
        app.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync(CancellationToken.None);

    private static Task NotifyAsync(GatehouseApp app, Guid orgId, string type, object data) =>
        app.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<Notifier>().QueueForOrganizationAsync(orgId, type, data, CancellationToken.None);
            await sp.GetRequiredService<GatehouseDb>().SaveChangesAsync();
        });

    private static Task<List<OutboxMessage>> OutboxAsync(GatehouseApp app, string channel) =>
        app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Outbox.AsNoTracking()
            .Where(m => m.Channel == channel).OrderBy(m => m.CreatedAt).ToListAsync());

    private static async Task<string> CodeOf(HttpResponseMessage r) =>
        JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString()!;

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_webhook_carries_the_envelope_and_a_signature_the_receiver_can_verify(DbKind db)
    {
        var clock = new FakeTimeProvider(Start);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await GatehouseApp.StartAsync(db, Settings(), Clock(clock));
        var vendor = await VendorAsync(app);
        var hook = await CreateWebhookAsync(vendor.Owner, vendor.Org.Id, receiver.Url(), "version.approved");
        Assert.StartsWith("whsec_", hook.Secret, StringComparison.Ordinal);

        await NotifyAsync(app, vendor.Org.Id, "version.approved", new { app = "acme", version = "1.2.0" });
        await NotifyAsync(app, vendor.Org.Id, "version.rejected", new { app = "acme", version = "1.3.0" }); // not subscribed
        var pass = await PassAsync(app);

        var request = Assert.Single(receiver.Requests);
        Assert.True(WebhookReceiver.Verify(request, hook.Secret, clock.GetUtcNow()), "the signature does not verify with the secret shown at creation");
        Assert.False(WebhookReceiver.Verify(request, hook.Secret + "x", clock.GetUtcNow()));
        Assert.False(WebhookReceiver.Verify(request with { Body = request.Body.Replace("1.2.0", "6.6.6", StringComparison.Ordinal) }, hook.Secret, clock.GetUtcNow()));
        Assert.Equal("version.approved", request.Header("Gatehouse-Event"));
        Assert.Equal(Start.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), request.Header("Gatehouse-Timestamp"));
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        var row = Assert.Single(await OutboxAsync(app, OutboxChannels.Webhook));
        Assert.Equal(row.Id.ToString(), request.Header("Gatehouse-Delivery"));
        Assert.Equal(OutboxStates.Delivered, row.State);
        Assert.Equal(1, row.Attempts);

        var envelope = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("version.approved", envelope.GetProperty("type").GetString());
        Assert.Equal(vendor.Org.Id, envelope.GetProperty("organizationId").GetGuid());
        Assert.Equal(Start, envelope.GetProperty("createdAt").GetDateTimeOffset());
        Assert.True(envelope.GetProperty("id").TryGetGuid(out _));
        Assert.Equal("1.2.0", envelope.GetProperty("data").GetProperty("version").GetString());
        // Both events also went to the owner by e-mail; four messages in all.
        Assert.Equal(new DispatchPass(3, 3, 0, 0), pass);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_failed_webhook_is_retried_after_the_back_off_and_then_delivered(DbKind db)
    {
        var clock = new FakeTimeProvider(Start);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = (ctx, n) => { ctx.Response.StatusCode = n == 0 ? 500 : 204; return Task.CompletedTask; };
        await using var app = await GatehouseApp.StartAsync(db, Settings(), Clock(clock));
        var vendor = await VendorAsync(app);
        var hook = await CreateWebhookAsync(vendor.Owner, vendor.Org.Id, receiver.Url());
        await NotifyAsync(app, vendor.Org.Id, "version.published", new { app = "acme" });

        await PassAsync(app);
        var failed = Assert.Single(await OutboxAsync(app, OutboxChannels.Webhook));
        Assert.Equal(OutboxStates.Pending, failed.State);
        Assert.Equal(1, failed.Attempts);
        Assert.Equal("HTTP 500", failed.LastError);
        // 1 minute plus at most 20 % jitter.
        Assert.InRange(failed.NextAttemptAt, Start + TimeSpan.FromMinutes(1), Start + TimeSpan.FromSeconds(72));

        clock.Advance(TimeSpan.FromSeconds(55));
        Assert.Equal(0, (await PassAsync(app)).Attempted); // not due yet
        Assert.Single(receiver.Requests);

        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(new DispatchPass(1, 1, 0, 0), await PassAsync(app));
        var done = Assert.Single(await OutboxAsync(app, OutboxChannels.Webhook));
        Assert.Equal(OutboxStates.Delivered, done.State);
        Assert.Equal(2, done.Attempts);
        Assert.Equal(clock.GetUtcNow(), done.DeliveredAt);
        Assert.Equal(2, receiver.Requests.Count);
        Assert.All(receiver.Requests, r => Assert.Equal(done.Id.ToString(), r.Header("Gatehouse-Delivery")));
        Assert.All(receiver.Requests, r => Assert.True(WebhookReceiver.Verify(r, hook.Secret, clock.GetUtcNow())));
        Assert.Equal(0, (await PassAsync(app)).Attempted);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_webhook_that_keeps_failing_is_dead_after_the_last_attempt_and_audited(DbKind db)
    {
        var clock = new FakeTimeProvider(Start);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = (ctx, _) => { ctx.Response.StatusCode = 503; return Task.CompletedTask; };
        await using var app = await GatehouseApp.StartAsync(db, Settings(("Notifications:MaxAttempts", "3")), Clock(clock));
        var vendor = await VendorAsync(app);
        await CreateWebhookAsync(vendor.Owner, vendor.Org.Id, receiver.Url(), "version.quarantined");
        await NotifyAsync(app, vendor.Org.Id, "version.quarantined", new { app = "acme" });

        var gaps = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            await PassAsync(app);
            var row = Assert.Single(await OutboxAsync(app, OutboxChannels.Webhook));
            if (row.State == OutboxStates.Pending) gaps.Add(row.NextAttemptAt - clock.GetUtcNow());
            clock.Advance(TimeSpan.FromMinutes(7)); // past 1 min and 5 min plus jitter; tokens stay valid
        }
        var dead = Assert.Single(await OutboxAsync(app, OutboxChannels.Webhook));
        Assert.Equal(OutboxStates.Dead, dead.State);
        Assert.Equal(3, dead.Attempts);
        Assert.Equal("HTTP 503", dead.LastError);
        Assert.Equal(3, receiver.Requests.Count);
        // Exponential: about 1 minute after the first failure, about 5 after the second.
        Assert.Equal(2, gaps.Count);
        Assert.InRange(gaps[0], TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1.2));
        Assert.InRange(gaps[1], TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(6));

        var audit = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.AsNoTracking()
            .SingleAsync(e => e.Action == AuditActions.NotificationDead));
        Assert.Equal(dead.Id.ToString(), audit.Subject);
        Assert.Equal(vendor.Org.Id.ToString(), audit.OrganizationId);
        Assert.Equal("system", audit.Actor);

        // The vendor sees it among the deliveries.
        var deliveries = await vendor.Owner.GetFromJsonAsync<List<DeliveryInfo>>($"/api/orgs/{vendor.Org.Id}/deliveries");
        Assert.Contains(deliveries!, d => d.Id == dead.Id && d.State == OutboxStates.Dead && d.Attempts == 3);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_redirect_from_the_receiver_is_not_followed(DbKind db)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = (ctx, _) =>
        {
            if (ctx.Request.Path == "/hook")
            {
                ctx.Response.StatusCode = 307;
                ctx.Response.Headers.Location = receiver.Url("/elsewhere");
            }
            return Task.CompletedTask;
        };
        await using var app = await GatehouseApp.StartAsync(db, Settings());
        var vendor = await VendorAsync(app);
        await CreateWebhookAsync(vendor.Owner, vendor.Org.Id, receiver.Url());
        await NotifyAsync(app, vendor.Org.Id, "version.approved", new { app = "acme" });

        await PassAsync(app);

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/hook", request.Path);
        var row = Assert.Single(await OutboxAsync(app, OutboxChannels.Webhook));
        Assert.Equal(OutboxStates.Pending, row.State);
        Assert.Contains("307", row.LastError, StringComparison.Ordinal);
        Assert.Contains("not followed", row.LastError, StringComparison.Ordinal);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Private_addresses_that_are_not_allow_listed_are_refused_at_creation_and_at_delivery(DbKind db)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await GatehouseApp.StartAsync(db, Settings(("Notifications:AllowedWebhookHosts", null)));
        var vendor = await VendorAsync(app);
        foreach (var url in new[] { receiver.Url(), "http://10.1.2.3/hook", "http://169.254.169.254/latest/meta-data", "http://[::1]:8080/", "http://localhost/hook", "http://[::ffff:127.0.0.1]/" })
        {
            var r = await vendor.Owner.PostAsJsonAsync($"/api/orgs/{vendor.Org.Id}/webhooks", new { url, events = new[] { "*" } });
            Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"{url}: {(int)r.StatusCode}");
            Assert.Equal("webhook.url-refused", await CodeOf(r));
            // The vendor learns that the address is not allowed, not what an internal name resolves to.
            if (url == "http://localhost/hook") Assert.DoesNotContain("127.0.0.1", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var https = await vendor.Owner.PostAsJsonAsync($"/api/orgs/{vendor.Org.Id}/webhooks", new { url = "ftp://example.com/x", events = new[] { "*" } });
        Assert.Equal("request.invalid", await CodeOf(https));

        // A row that got past the API (say, the allow-list changed since) is still refused when connecting.
        await app.WithScopeAsync(async sp =>
        {
            var d = sp.GetRequiredService<GatehouseDb>();
            d.WebhookEndpoints.Add(new WebhookEndpoint
            {
                Id = Guid.NewGuid(), OrganizationId = vendor.Org.Id, Url = receiver.Url(), Events = "*", CreatedBy = "test",
                ProtectedSecret = sp.GetRequiredService<WebhookSigning>().NewSecret().Protected,
            });
            await d.SaveChangesAsync();
        });
        await NotifyAsync(app, vendor.Org.Id, "version.approved", new { app = "acme" });
        await PassAsync(app);

        Assert.Empty(receiver.Requests);
        var row = Assert.Single(await OutboxAsync(app, OutboxChannels.Webhook));
        Assert.Equal(OutboxStates.Pending, row.State);
        Assert.StartsWith("refused: the address of 127.0.0.1 is not allowed", row.LastError, StringComparison.Ordinal);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Https_is_required_unless_http_webhooks_are_allowed(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db, Settings(("Notifications:AllowHttpWebhooks", "false")));
        var vendor = await VendorAsync(app);
        var r = await vendor.Owner.PostAsJsonAsync($"/api/orgs/{vendor.Org.Id}/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "*" } });
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("https", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_rotated_secret_signs_the_next_delivery_and_the_old_one_no_longer_verifies(DbKind db)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await GatehouseApp.StartAsync(db, Settings());
        var vendor = await VendorAsync(app);
        var hook = await CreateWebhookAsync(vendor.Owner, vendor.Org.Id, receiver.Url());
        var rotate = await vendor.Owner.PostAsync($"/api/webhooks/{hook.Id}/rotate-secret", null);
        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        var rotated = (await rotate.Content.ReadFromJsonAsync<WebhookSecret>())!;
        Assert.NotEqual(hook.Secret, rotated.Secret);

        await NotifyAsync(app, vendor.Org.Id, "version.approved", new { app = "acme" });
        await PassAsync(app);

        var request = Assert.Single(receiver.Requests);
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        Assert.True(WebhookReceiver.Verify(request, rotated.Secret, now));
        Assert.False(WebhookReceiver.Verify(request, hook.Secret, now));
        // Neither the list nor the deliveries ever show a secret.
        var list = await vendor.Owner.GetStringAsync($"/api/orgs/{vendor.Org.Id}/webhooks");
        var deliveries = await vendor.Owner.GetStringAsync($"/api/orgs/{vendor.Org.Id}/deliveries");
        Assert.DoesNotContain("whsec_", list + deliveries, StringComparison.Ordinal);
        Assert.Contains(receiver.Url(), list, StringComparison.Ordinal);
        var audit = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.AsNoTracking()
            .Where(e => e.Subject == hook.Id.ToString()).Select(e => e.Action + " " + e.Data).ToListAsync());
        Assert.Equal(2, audit.Count);
        Assert.DoesNotContain(audit, a => a.Contains("whsec_", StringComparison.Ordinal));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Email_is_written_to_the_mail_folder_when_no_smtp_server_is_configured(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db, Settings());
        var reviewer = await app.CreateUserAsync(Roles.Reviewer, "reviewer");
        var developer = await app.CreateUserAsync(Roles.Developer, "dev");
        await app.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<Notifier>().QueueForStaffAsync("version.in-review", new { app = "acme", version = "2.0.0" }, CancellationToken.None);
            await sp.GetRequiredService<GatehouseDb>().SaveChangesAsync();
        });

        Assert.Equal(new DispatchPass(2, 2, 0, 0), await PassAsync(app));

        var files = Directory.GetFiles(Path.Combine(app.DataDirectory, "mail"), "*.eml");
        Assert.Equal(2, files.Length);
        var messages = files.Select(f => MimeMessage.Load(f)).ToList();
        var recipients = messages.Select(m => m.To.Mailboxes.Single().Address).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { GatehouseApp.AdminEmail, reviewer.Email! }.Order(StringComparer.Ordinal), recipients);
        Assert.DoesNotContain(developer.Email!, recipients);
        var m = messages[0];
        Assert.Equal("[Gatehouse] version.in-review", m.Subject);
        Assert.Contains("version: 2.0.0", m.TextBody, StringComparison.Ordinal);
        Assert.Null(m.HtmlBody);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Email_goes_to_the_smtp_server_when_one_is_configured(DbKind db)
    {
        await using var smtp = new SmtpTestServer();
        await using var app = await GatehouseApp.StartAsync(db, Settings(
            ("Notifications:Smtp:Host", "127.0.0.1"), ("Notifications:Smtp:Port", smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Notifications:Smtp:StartTls", "false"), ("Notifications:Smtp:From", "Gatehouse <noreply@gatehouse.test>")));
        var vendor = await VendorAsync(app);

        await NotifyAsync(app, vendor.Org.Id, "version.changes-requested", new { app = "acme", text = "please fix the headers" });
        Assert.Equal(new DispatchPass(1, 1, 0, 0), await PassAsync(app));

        var mail = Assert.Single(smtp.Messages);
        Assert.Equal("noreply@gatehouse.test", mail.From);
        Assert.Equal([vendor.OwnerEmail], mail.To);
        var message = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(mail.Data)));
        Assert.Equal("[Gatehouse] version.changes-requested", message.Subject);
        Assert.Contains("text: please fix the headers", message.TextBody, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(app.DataDirectory, "mail")));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Two_dispatchers_running_at_once_deliver_each_message_once(DbKind db)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = async (ctx, _) => { await Task.Delay(20); ctx.Response.StatusCode = 200; };
        await using var app = await GatehouseApp.StartAsync(db, Settings(("Notifications:Concurrency", "3")));
        await using var other = app.StartSibling();
        var vendor = await VendorAsync(app);
        await CreateWebhookAsync(vendor.Owner, vendor.Org.Id, receiver.Url());
        for (var i = 0; i < 12; i++)
            await NotifyAsync(app, vendor.Org.Id, "version.approved", new { n = i });

        var passes = await Task.WhenAll(PassAsync(app), PassAsync(other), PassAsync(app), PassAsync(other));

        Assert.Equal(24, passes.Sum(p => p.Delivered)); // 12 webhooks + 12 e-mails
        Assert.Equal(12, receiver.Requests.Count);
        Assert.Equal(12, receiver.Requests.Select(r => r.Header("Gatehouse-Delivery")).Distinct().Count());
        Assert.All(await OutboxAsync(app, OutboxChannels.Webhook), m => Assert.Equal((OutboxStates.Delivered, 1), (m.State, m.Attempts)));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_worker_delivers_a_new_notification_without_waiting_for_the_interval(DbKind db)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await GatehouseApp.StartAsync(db, Settings(("Gatehouse:Roles", "web,worker"), ("Notifications:DispatchInterval", "01:00:00")));
        var vendor = await VendorAsync(app);
        await CreateWebhookAsync(vendor.Owner, vendor.Org.Id, receiver.Url());
        await NotifyAsync(app, vendor.Org.Id, "version.approved", new { app = "acme" });
        for (var i = 0; i < 100 && receiver.Requests.IsEmpty; i++) await Task.Delay(100);
        Assert.Single(receiver.Requests);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Another_organisations_developer_can_neither_see_nor_delete_its_webhooks(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db, Settings());
        var vendor = await VendorAsync(app);
        var hook = await CreateWebhookAsync(vendor.Owner, vendor.Org.Id, "http://127.0.0.1:9/secret-hook-a");
        var (_, tokenB) = await app.UserWithTokenAsync(Roles.Developer, "dev-b");
        using var b = app.ClientWith(tokenB);

        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"/api/orgs/{vendor.Org.Id}/webhooks")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"/api/orgs/{vendor.Org.Id}/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.DeleteAsync($"/api/webhooks/{hook.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.PostAsync($"/api/webhooks/{hook.Id}/rotate-secret", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.PostAsJsonAsync($"/api/orgs/{vendor.Org.Id}/webhooks", new { url = "http://127.0.0.1:9/b", events = new[] { "*" } })).StatusCode);

        // A plain member of the organisation sees the webhook but may not manage it.
        var (member, memberToken) = await app.UserWithTokenAsync(Roles.Developer, "member");
        await app.JoinOrganizationAsync(vendor.Org.Id, member);
        using var m = app.ClientWith(memberToken);
        Assert.Contains("secret-hook-a", await m.GetStringAsync($"/api/orgs/{vendor.Org.Id}/webhooks"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await m.DeleteAsync($"/api/webhooks/{hook.Id}")).StatusCode);

        // The owner may delete it; then it is gone.
        Assert.Equal(HttpStatusCode.NoContent, (await vendor.Owner.DeleteAsync($"/api/webhooks/{hook.Id}")).StatusCode);
        Assert.Equal("[]", await vendor.Owner.GetStringAsync($"/api/orgs/{vendor.Org.Id}/webhooks"));
        Assert.Equal(HttpStatusCode.NotFound, (await vendor.Owner.DeleteAsync($"/api/webhooks/{hook.Id}")).StatusCode);
    }
}
