// The seeding driver of bench/load.sh (not in Gatehouse.slnx). Publishing through the HTTP API would need the whole
// lifecycle (agreement, evidence, questionnaire, attestation, a scan, an independent reviewer with two-factor sign-in),
// which is not what the load run measures; so, as bench/download.sh does, this writes one published version of a
// downloadable app with FILE into the running server's database and blob store with the server's own types, in a vendor
// organisation owned by the bootstrap admin, and prints a token (read, write) of that admin and the organisation's id:
//
//   LoadBench seed sqlite|postgres DATA_DIR CONNECTION_STRING FILE SLUG   -> "TOKEN ORG_ID" on stdout
//
// Everything else the run needs (drafts to upload to, signed URLs) is made through the API by the script.
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

return args switch
{
    ["seed", var provider, var data, var connection, var file, var slug] => await SeedAsync(provider, data, connection, file, slug),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LoadBench seed sqlite|postgres DATA_DIR CONNECTION_STRING FILE SLUG");
    return 2;
}

static async Task<int> SeedAsync(string provider, string dataDir, string connection, string file, string slug)
{
    var time = TimeProvider.System;
    var now = time.GetUtcNow();
    await using GatehouseDb db = provider switch
    {
        "sqlite" => new SqliteGatehouseDb(new DbContextOptionsBuilder<SqliteGatehouseDb>()
            .UseSqlite($"Data Source={Path.Combine(dataDir, "gatehouse.db")}").Options),
        "postgres" => new PostgresGatehouseDb(new DbContextOptionsBuilder<PostgresGatehouseDb>().UseNpgsql(connection).Options),
        _ => throw new ArgumentException("provider must be sqlite or postgres", nameof(provider)),
    };
    var adminRole = await db.Roles.Where(r => r.Name == Roles.Admin).Select(r => r.Id).SingleAsync();
    var adminId = await db.UserRoles.Where(ur => ur.RoleId == adminRole).Select(ur => ur.UserId).FirstAsync();

    var blobs = new FileSystemBlobStore(Options.Create(new BlobStoreOptions { Path = Path.Combine(dataDir, "blobs") }),
        NullLogger<FileSystemBlobStore>.Instance);
    BlobRef blob;
    await using (var content = File.OpenRead(file)) blob = await blobs.PutAsync(content, CancellationToken.None);

    var org = new Organization { Id = Guid.NewGuid(), Name = "Load Apps", OwnerUserId = adminId, CreatedAt = now };
    org.Members.Add(new OrganizationMember { UserId = adminId, Role = OrganizationRoles.Owner, AddedAt = now });
    var app = new App
    {
        Id = Guid.NewGuid(), OrganizationId = org.Id, Slug = slug, Name = "Load", Type = AppTypes.Downloadable, Tier = "standard",
        CreatedBy = adminId, CreatedAt = now,
    };
    var version = new AppVersion
    {
        Id = Guid.NewGuid(), AppId = app.Id, OrganizationId = org.Id, Version = "1.0.0", State = VersionStates.Published,
        ArtifactDigest = blob.Digest, ArtifactName = Path.GetFileName(file), ArtifactSize = blob.Length, ArtifactContentType = "application/zip",
        CreatedBy = adminId, CreatedAt = now, UpdatedAt = now, PublishedAt = now,
    };
    db.Organizations.Add(org);
    db.Apps.Add(app);
    db.AppVersions.Add(version);
    await db.SaveChangesAsync();

    var keys = new ServerKeys(new ConfigurationBuilder().Build(), dataDir);
    var (token, _) = await new TokenService(db, keys, time).IssueAsync(adminId, "load", [Scopes.Read, Scopes.Write], TimeSpan.FromHours(4),
        CancellationToken.None);
    Console.WriteLine($"{token} {org.Id}");
    return 0;
}
