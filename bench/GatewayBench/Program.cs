using System.Globalization;
using System.Net;
using System.Text.Json;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Identity;
using Gatehouse.Server.OAuth;
using Gatehouse.Server.Platform;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

// The driver of bench/gateway-overhead.sh (see its header). Two modes:
//   upstream PORT_FILE     the platform API the gateway fronts: a minimal Kestrel app on 127.0.0.1 (a free port, written to
//                          PORT_FILE) with GET /echo (a 12-byte JSON, no work: the raw proxy cost) and GET /work (about 1 ms
//                          of waiting, as for a database, and a 2 KB JSON list: a realistic endpoint)
//   seed DATA_DIR SLUG     a live web integration SLUG installed in the demo tenant Globex, owned by the bootstrap admin,
//                          in a running server's SQLite database; prints a one-hour token of the admin, with which the
//                          script creates the API key the real way (POST /api/apps/SLUG/api-keys)
return args switch
{
    ["upstream", var portFile] => await UpstreamAsync(portFile),
    ["seed", var data, var slug] => await SeedAsync(data, slug),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: GatewayBench upstream PORT_FILE | seed DATA_DIR SLUG");
    return 2;
}

static async Task<int> UpstreamAsync(string portFile)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
    var app = builder.Build();
    var echo = "{\"ok\":true}\n"u8.ToArray();
    var list = JsonSerializer.SerializeToUtf8Bytes(Enumerable.Range(1, 20).Select(i => new
    {
        id = $"7e1a0000-0000-4000-8000-{i:D12}", key = $"P{i}", name = $"Project number {i} of the tenant", open = i * 3,
    }));
    app.MapGet("/echo", async ctx =>
    {
        ctx.Response.ContentType = "application/json";
        await ctx.Response.Body.WriteAsync(echo);
    });
    app.MapGet("/work", async ctx =>
    {
        await Task.Delay(1, ctx.RequestAborted);
        ctx.Response.ContentType = "application/json";
        await ctx.Response.Body.WriteAsync(list);
    });
    await app.StartAsync();
    var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    await File.WriteAllTextAsync(portFile, new Uri(address).Port.ToString(CultureInfo.InvariantCulture));
    await app.WaitForShutdownAsync();
    return 0;
}

static async Task<int> SeedAsync(string dataDir, string slug)
{
    var time = TimeProvider.System;
    var now = time.GetUtcNow();
    var options = new DbContextOptionsBuilder<SqliteGatehouseDb>().UseSqlite($"Data Source={Path.Combine(dataDir, "gatehouse.db")}").Options;
    await using var db = new SqliteGatehouseDb(options);
    var adminRole = await db.Roles.Where(r => r.Name == Roles.Admin).Select(r => r.Id).SingleAsync();
    var adminId = await db.UserRoles.Where(ur => ur.RoleId == adminRole).Select(ur => ur.UserId).FirstAsync();
    var org = new Organization { Id = Guid.NewGuid(), Name = "Bench Integrations", OwnerUserId = adminId, CreatedAt = now };
    org.Members.Add(new OrganizationMember { UserId = adminId, Role = OrganizationRoles.Owner, AddedAt = now });
    var app = new App
    {
        Id = Guid.NewGuid(), OrganizationId = org.Id, Slug = slug, Name = "Bench integration", Type = "web-integration", Tier = "standard",
        CreatedBy = adminId, CreatedAt = now,
    };
    db.Organizations.Add(org);
    db.Apps.Add(app);
    // API keys work only for a live app (a published version), and a tenant's key only where the app is installed.
    db.AppVersions.Add(new AppVersion
    {
        Id = Guid.NewGuid(), AppId = app.Id, OrganizationId = org.Id, Version = "1.0.0", State = VersionStates.Published,
        CreatedBy = adminId, CreatedAt = now, UpdatedAt = now, PublishedAt = now,
    });
    db.Add(new Installation
    {
        Id = Guid.NewGuid(), TenantId = PlatformDemoData.TenantA, ClientId = slug, AppId = app.Id, Scopes = string.Join(' ', PlatformScopes.All),
        InstalledBy = adminId, InstalledAt = now,
    });
    await db.SaveChangesAsync();
    var keys = new ServerKeys(new ConfigurationBuilder().Build(), dataDir);
    var (token, _) = await new TokenService(db, keys, time).IssueAsync(adminId, "bench", [Scopes.Read, Scopes.Write], TimeSpan.FromHours(1),
        CancellationToken.None);
    Console.WriteLine(token);
    return 0;
}
