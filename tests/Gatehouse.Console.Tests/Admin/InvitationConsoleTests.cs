using Gatehouse.Console.Tests.Support;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Microsoft.Playwright;

namespace Gatehouse.Console.Tests.Admin;

/// <summary>
/// Invitations from the console: an admin creates a tenant and invites its admin on /console/admin/tenants; an owner
/// invites a member on the organisation's members page; each invited person joins only by accepting, and then sees
/// the tenant or the organisation.
/// </summary>
public sealed class InvitationConsoleTests
{
    private const string Password = "a-long-enough-password";

    /// <summary>Signs in as <paramref name="email"/> in a fresh context and accepts the newest invitation e-mailed there.</summary>
    private static async Task<IPage> AcceptAsync(GatehouseApp app, Browser browser, string email, string arrivesAt)
    {
        var page = await browser.PageAsync(app);
        await Browser.SignInAsync(page, email, Password);
        await page.GotoAsync("/console/invitations/accept?token=" + Uri.EscapeDataString(await app.InvitationTokenAsync(email)));
        await Browser.SubmitAsync(page, "Accept");
        await Browser.ArriveAsync(page, "**" + arrivesAt);
        return page;
    }

    /// <summary>Clicks a form's button whose answer may redirect to the same address, and waits for the flash message.</summary>
    private static async Task PostAsync(IPage page, string button, string flash)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync(flash);
    }

    [Fact]
    public async Task An_admin_creates_a_tenant_and_invites_its_admin_and_an_owner_invites_a_member_who_each_join_by_accepting()
    {
        await using var app = await GatehouseApp.StartKestrelAsync(DbKind.Sqlite);
        await using var browser = await Browser.LaunchAsync();
        var tenantAdmin = await app.CreateUserAsync(Roles.Developer, "tenant-admin", Password);
        var owner = await app.CreateUserAsync(Roles.Developer, "owner", Password);
        var member = await app.CreateUserAsync(Roles.Developer, "member", Password);
        var org = await app.CreateOrganizationAsync(owner.Id, "Invite & <Co>");
        var tenantName = "Acme <Tenant> " + Guid.NewGuid().ToString("N")[..6];

        // The admin: tenants are linked from the admin navigation; create one, invite an admin and a stranger, revoke the stranger.
        var admin = await browser.PageAsync(app);
        admin.Dialog += async (_, d) => await d.AcceptAsync(); // data-confirm
        await Browser.SignInAsync(admin, GatehouseApp.AdminEmail, GatehouseApp.AdminPassword);
        await admin.GotoAsync("/console/admin");
        await admin.GetByRole(AriaRole.Link, new() { Name = "Tenants and their admins" }).ClickAsync();
        await Browser.ArriveAsync(admin, "**/console/admin/tenants");
        await admin.GetByLabel("Tenant name").FillAsync(tenantName);
        await PostAsync(admin, "Create the tenant", $"Tenant {tenantName} is created");
        var card = admin.Locator("section.tenant", new() { HasText = tenantName });
        await Assertions.Expect(card.GetByRole(AriaRole.Heading, new() { Name = tenantName })).ToBeVisibleAsync(); // encoded, not markup
        await card.GetByLabel($"E-mail of a new admin of {tenantName}").FillAsync(tenantAdmin.Email!);
        await PostAsync(admin, $"Invite an admin of {tenantName}", $"on its way to {tenantAdmin.Email}");
        var unknown = $"nobody-{Guid.NewGuid():N}@example.test";
        var sentToKnown = await admin.GetByRole(AriaRole.Status).InnerTextAsync();
        card = admin.Locator("section.tenant", new() { HasText = tenantName });
        await card.GetByLabel($"E-mail of a new admin of {tenantName}").FillAsync(unknown);
        await PostAsync(admin, $"Invite an admin of {tenantName}", $"on its way to {unknown}");
        // The same answer for an address with an account and one without (up to the expiry time).
        static string Answer(string text, string email) => text.Replace(email, "X", StringComparison.Ordinal).Split(" until ")[0];
        Assert.Equal(Answer(sentToKnown, tenantAdmin.Email!), Answer(await admin.GetByRole(AriaRole.Status).InnerTextAsync(), unknown));
        card = admin.Locator("section.tenant", new() { HasText = tenantName });
        await Assertions.Expect(card.Locator("table.invitations tbody tr")).ToHaveCountAsync(2);
        await Browser.CheckAsync(admin, "admin-tenants");
        await PostAsync(admin, $"Revoke the invitation of {unknown}", "The invitation is revoked");
        card = admin.Locator("section.tenant", new() { HasText = tenantName });
        await Assertions.Expect(card.Locator("table.invitations tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(card.Locator("table.invitations")).ToContainTextAsync(tenantAdmin.Email!);
        await Assertions.Expect(card.Locator("ul.admins")).ToHaveCountAsync(0); // pending is not admin

        // The invited person accepts and sees the tenant; the admin page then lists them as its admin.
        var customer = await AcceptAsync(app, browser, tenantAdmin.Email!, "/console/customer");
        await Assertions.Expect(customer.GetByRole(AriaRole.Heading, new() { Name = tenantName })).ToBeVisibleAsync();
        await admin.ReloadAsync();
        card = admin.Locator("section.tenant", new() { HasText = tenantName });
        await Assertions.Expect(card.Locator("ul.admins")).ToContainTextAsync(tenantAdmin.Email!);
        await Assertions.Expect(card.Locator("table.invitations")).ToHaveCountAsync(0);

        // Before joining, the organisation's members page answers 404 to the future member.
        var outsider = await browser.PageAsync(app);
        await Browser.SignInAsync(outsider, member.Email!, Password);
        Assert.Equal(404, (await outsider.GotoAsync($"/console/vendor/orgs/{org.Id}/members"))!.Status);

        // The owner: from the vendor portal to the members page; invite as member; the invitation is pending.
        var ownerPage = await browser.PageAsync(app);
        ownerPage.Dialog += async (_, d) => await d.AcceptAsync();
        await Browser.SignInAsync(ownerPage, owner.Email!, Password);
        await ownerPage.GotoAsync("/console/vendor");
        await ownerPage.GetByRole(AriaRole.Link, new() { Name = $"Members of {org.Name}" }).ClickAsync();
        await Browser.ArriveAsync(ownerPage, $"**/console/vendor/orgs/{org.Id}/members");
        await ownerPage.GetByLabel("E-mail", new() { Exact = true }).FillAsync(member.Email!);
        await ownerPage.GetByLabel("Role").SelectOptionAsync("member");
        await PostAsync(ownerPage, "Send the invitation", $"on its way to {member.Email}");
        await Assertions.Expect(ownerPage.Locator("#invitations tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(ownerPage.Locator("#invitations")).ToContainTextAsync(member.Email!);
        await Assertions.Expect(ownerPage.Locator("#members tbody tr")).ToHaveCountAsync(1);
        await Browser.CheckAsync(ownerPage, "vendor-members");

        // The member accepts, sees the organisation in the portal and its members page, without the owner's forms.
        await AcceptAsync(app, browser, member.Email!, "/console/vendor");
        await outsider.GotoAsync("/console/vendor");
        await Assertions.Expect(outsider.GetByRole(AriaRole.Heading, new() { Name = org.Name })).ToBeVisibleAsync();
        Assert.Equal(200, (await outsider.GotoAsync($"/console/vendor/orgs/{org.Id}/members"))!.Status);
        await Assertions.Expect(outsider.Locator("#members tbody tr")).ToHaveCountAsync(2);
        Assert.Equal(0, await outsider.GetByRole(AriaRole.Button, new() { Name = "Send the invitation" }).CountAsync());

        // The owner sees the member, no pending invitation, and removes the member.
        await ownerPage.ReloadAsync();
        await Assertions.Expect(ownerPage.Locator("#members")).ToContainTextAsync(member.Email!);
        Assert.Equal(0, await ownerPage.Locator("#invitations").CountAsync());
        await PostAsync(ownerPage, $"Remove {member.Email}", "The member is removed");
        await Assertions.Expect(ownerPage.Locator("#members tbody tr")).ToHaveCountAsync(1);
        Assert.Equal(404, (await outsider.GotoAsync($"/console/vendor/orgs/{org.Id}/members"))!.Status);
    }
}
