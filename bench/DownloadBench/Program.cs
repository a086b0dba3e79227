using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Downloads;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// The driver of bench/download.sh (see its header). Three modes:
//   seed DATA_DIR FILE SLUG      put FILE into a running server's blob store and database as the published version 1.0.0
//                                of a downloadable app SLUG, and print a one-hour token of the bootstrap admin
//   static ROOT PORT_FILE        a minimal Kestrel static-file server over ROOT on 127.0.0.1 (a free port, written to PORT_FILE)
//   signverify SECONDS           DownloadUrls.Sign and DownloadUrls.Verify (and Parse + Verify) in a loop, ops/s
return args switch
{
    ["seed", var data, var file, var slug] => await SeedAsync(data, file, slug),
    ["static", var root, var portFile] => await StaticAsync(root, portFile),
    ["signverify", var seconds] => SignVerify(double.Parse(seconds, CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: DownloadBench seed DATA_DIR FILE SLUG | static ROOT PORT_FILE | signverify SECONDS");
    return 2;
}

// Seeds through the server's own types (its SQLite context, blob store and token service), against the database the
// running server migrated, so the rows are exactly what the server expects. The lifecycle (questionnaire, scan, review,
// publish) is skipped: it is not what this benchmark measures.
static async Task<int> SeedAsync(string dataDir, string file, string slug)
{
    var time = TimeProvider.System;
    var now = time.GetUtcNow();
    var options = new DbContextOptionsBuilder<SqliteGatehouseDb>().UseSqlite($"Data Source={Path.Combine(dataDir, "gatehouse.db")}").Options;
    await using var db = new SqliteGatehouseDb(options);
    var adminRole = await db.Roles.Where(r => r.Name == Roles.Admin).Select(r => r.Id).SingleAsync();
    var adminId = await db.UserRoles.Where(ur => ur.RoleId == adminRole).Select(ur => ur.UserId).FirstAsync();

    var blobs = new FileSystemBlobStore(Options.Create(new BlobStoreOptions { Path = Path.Combine(dataDir, "blobs") }),
        NullLogger<FileSystemBlobStore>.Instance);
    BlobRef blob;
    await using (var content = File.OpenRead(file)) blob = await blobs.PutAsync(content, CancellationToken.None);

    var org = new Organization { Id = Guid.NewGuid(), Name = "Bench Apps", OwnerUserId = adminId, CreatedAt = now };
    org.Members.Add(new OrganizationMember { UserId = adminId, Role = OrganizationRoles.Owner, AddedAt = now });
    var app = new App
    {
        Id = Guid.NewGuid(), OrganizationId = org.Id, Slug = slug, Name = "Bench", Type = AppTypes.Downloadable, Tier = "standard",
        CreatedBy = adminId, CreatedAt = now,
    };
    var version = new AppVersion
    {
        Id = Guid.NewGuid(), AppId = app.Id, OrganizationId = org.Id, Version = "1.0.0", State = VersionStates.Published,
        ArtifactDigest = blob.Digest, ArtifactName = Path.GetFileName(file), ArtifactSize = blob.Length, ArtifactContentType = "application/octet-stream",
        CreatedBy = adminId, CreatedAt = now, UpdatedAt = now, PublishedAt = now,
    };
    db.Organizations.Add(org);
    db.Apps.Add(app);
    db.AppVersions.Add(version);
    await db.SaveChangesAsync();

    // The same key file the server made at start-up (keys/token-hmac.key), so the server accepts the token.
    var keys = new ServerKeys(new ConfigurationBuilder().Build(), dataDir);
    var (token, _) = await new TokenService(db, keys, time).IssueAsync(adminId, "bench", [Scopes.Read, Scopes.Write], TimeSpan.FromHours(1),
        CancellationToken.None);
    Console.WriteLine(token);
    return 0;
}

static async Task<int> StaticAsync(string root, string portFile)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
    await using var app = builder.Build();
    app.UseStaticFiles(new StaticFileOptions
    {
        FileProvider = new PhysicalFileProvider(Path.GetFullPath(root)), ServeUnknownFileTypes = true,
    });
    await app.StartAsync();
    var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    await File.WriteAllTextAsync(portFile, new Uri(address).Port.ToString(CultureInfo.InvariantCulture));
    await app.WaitForShutdownAsync();
    return 0;
}

static int SignVerify(double seconds)
{
    var key = RandomNumberGenerator.GetBytes(32); // DownloadKeyRing's key size
    var expires = DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() + 900);
    var grant = new DownloadGrant("GET", Guid.NewGuid(), Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), expires,
        "dk" + DownloadUrls.Base64Url(RandomNumberGenerator.GetBytes(9)), "t:" + Guid.NewGuid().ToString("D"), null,
        DownloadUrls.Attachment("acme-sync-1.4.2.zip"));
    var signature = DownloadUrls.Sign(grant, key);
    var query = new QueryCollection(QueryHelpers.ParseQuery(DownloadUrls.Query(grant, signature)));
    if (!DownloadUrls.Verify(grant, signature, key)) throw new InvalidOperationException("a signed grant does not verify");

    var sink = 0;
    Report("sign", Loop(seconds, () => sink += DownloadUrls.Sign(grant, key).Length));
    Report("verify", Loop(seconds, () => sink += DownloadUrls.Verify(grant, signature, key) ? 1 : 0));
    Report("parse+verify", Loop(seconds, () =>
    {
        var (g, sig) = DownloadUrls.Parse("GET", grant.VersionId, grant.DigestHex, query);
        sink += DownloadUrls.Verify(g!, sig!, key) ? 1 : 0;
    }));
    return sink == int.MinValue ? 1 : 0; // keeps the loops from being optimised away

    static void Report(string name, double opsPerSecond) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} {opsPerSecond:0}"));
}

static double Loop(double seconds, Action op)
{
    for (var i = 0; i < 10_000; i++) op(); // warm-up (JIT tiers)
    var clock = Stopwatch.StartNew();
    long n = 0;
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        for (var i = 0; i < 1000; i++) op();
        n += 1000;
    }
    return n / clock.Elapsed.TotalSeconds;
}
