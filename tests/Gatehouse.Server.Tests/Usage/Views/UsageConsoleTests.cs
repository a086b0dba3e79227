using System.Net;
using Gatehouse.Server.Data;
using Gatehouse.Server.Tests.Support;
using Gatehouse.Server.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Usage.Views;

/// <summary>The console's usage pages, fetched as HTML by signed-in users (the charts themselves: <see cref="UsageChartsTests"/>).</summary>
public sealed class UsageConsoleTests(SharedServers servers) : IClassFixture<SharedServers>
{
    [Fact]
    public async Task Staff_see_the_charts_and_resolve_an_alert_the_vendor_reads_only_and_a_tenant_admin_sees_their_tenant()
    {
        var app = await servers.For(DbKind.Sqlite);
        var w = await UsageViewWorld.CreateAsync(app);
        var now = await app.WithScopeAsync(sp => Task.FromResult(sp.GetRequiredService<TimeProvider>().GetUtcNow()));
        await w.AddMinuteAsync(new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(-2), w.TenantA, "GET /platform/v1/projects", 12, s4xx: 3, s401: 3);
        var alert = await w.AddAlertAsync("usage.volume-spike", "high");
        var page = $"/console/usage/{w.AppSlug}";

        using var staff = FormLogin.CookieClient(app);
        using (var signIn = await FormLogin.SignInAsync(app, staff, w.Reviewer.Email!, "a-long-enough-password"))
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var html = await staff.GetStringAsync(page);
        Assert.Contains("<svg id=\"usage-calls\"", html, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"usage-errors\"", html, StringComparison.Ordinal);
        Assert.Contains("data-count=\"9\"", html, StringComparison.Ordinal); // the 2xx bar of the seeded hour
        Assert.Contains("GET /platform/v1/projects", html, StringComparison.Ordinal);
        Assert.Contains("observed 900, baseline 40", html, StringComparison.Ordinal);
        Assert.Contains("Resolve the usage.volume-spike alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" style=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains(w.AppSlug, await staff.GetStringAsync("/console/review/usage"), StringComparison.Ordinal);

        var token = await FormLogin.FormTokenAsync(staff, page);
        using (var posted = await staff.PostAsync(page + "?handler=Resolve", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["alertId"] = alert.ToString(), ["reason"] = "a launch, announced by the vendor",
        })))
            Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var row = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Set<UsageAlertRecord>().AsNoTracking().SingleAsync(a => a.Id == alert));
        Assert.Equal((UsageAlertStatuses.Resolved, "a launch, announced by the vendor"), (row.Status, row.CloseReason));

        using var vendor = FormLogin.CookieClient(app);
        using (var signIn = await FormLogin.SignInAsync(app, vendor, w.Developer.Email!, "a-long-enough-password"))
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var vendorHtml = await vendor.GetStringAsync(page);
        Assert.Contains("<svg id=\"usage-calls\"", vendorHtml, StringComparison.Ordinal);
        Assert.Contains("a launch, announced by the vendor", vendorHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Resolve", vendorHtml, StringComparison.Ordinal);
        Assert.Contains($"/console/usage/{w.AppSlug}", await vendor.GetStringAsync($"/console/vendor/apps/{w.AppSlug}"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await vendor.GetAsync($"/console/customer/tenants/{w.TenantA}/usage")).StatusCode);

        using var customer = FormLogin.CookieClient(app);
        using (var signIn = await FormLogin.SignInAsync(app, customer, w.TenantAdminUser.Email!, "a-long-enough-password"))
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Contains(w.AppSlug, await customer.GetStringAsync($"/console/customer/tenants/{w.TenantA}/usage"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync($"/console/customer/tenants/{w.TenantB}/usage")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync(page)).StatusCode);
    }
}
