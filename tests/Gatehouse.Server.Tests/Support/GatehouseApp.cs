using System.Net.Http.Headers;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gatehouse.Server.Tests.Support;

/// <summary>
/// A real Gatehouse server (the full pipeline, real database, real Hangfire) in the test process,
/// with its own data directory and its own database. Dispose to stop it and delete both.
/// </summary>
public sealed class GatehouseApp : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@gatehouse.test";
    public const string AdminPassword = "test-admin-password-1";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private readonly PostgresTestDatabase? _pg;
    private readonly bool _ownsData;
    private string _startedBy = "";
    private readonly StartPhases _phases = new();

    public DbKind Kind { get; }
    public string DataDirectory { get; }

    /// <summary>Fails this server's next audit entry write when armed (<see cref="AuditInsertFailure"/>); disarmed by default.</summary>
    public AuditInsertFailure AuditFailure { get; } = new();

    private GatehouseApp(DbKind kind, string dataDirectory, bool ownsData, PostgresTestDatabase? pg,
        IDictionary<string, string?>? settings, Action<IServiceCollection>? services)
    {
        Kind = kind;
        DataDirectory = dataDirectory;
        _ownsData = ownsData;
        _pg = pg;
        _services = services;
        _settings = new Dictionary<string, string?>
        {
            ["Gatehouse:DataDirectory"] = dataDirectory,
            ["Gatehouse:BootstrapAdminEmail"] = AdminEmail,
            ["Gatehouse:BootstrapAdminPassword"] = AdminPassword,
            ["Gatehouse:Roles"] = "web,worker",
            // The test client's base address: the OAuth issuer and absolute URLs come from here, never from Host.
            ["Gatehouse:PublicUrl"] = "https://localhost/",
            ["Database:Provider"] = kind.ToString(),
            ["Database:ConnectionString"] = pg?.ConnectionString,
            // A query that limits rows without an order fails the test that runs it (docs/operations.md, "Strict queries").
            ["Database:StrictQueries"] = "true",
            ["Jobs:WorkerCount"] = "2",
            ["Jobs:AuditVerifyInterval"] = "00:00:00",
            ["Jobs:EvidenceExpiryInterval"] = "00:00:00",
            ["Jobs:BlobRetentionInterval"] = "00:00:00",
            ["Logging:LogLevel:Default"] = "Warning",
            // Tests sign in many times a minute from one address; TwoFactorTests sets a low limit to test throttling.
            ["Gatehouse:LoginRateLimitPerMinute"] = "1000",
        };
        if (settings is not null)
            foreach (var (k, v) in settings) _settings[k] = v;
    }

    /// <summary>
    /// Starts a server on a new database of <paramref name="kind"/> with the schema in place but no data
    /// (a copy of the run's migrated template, <see cref="MigratedTemplates"/>); the server's start-up
    /// migration finds nothing to do.
    /// </summary>
    public static async Task<GatehouseApp> StartAsync(DbKind kind, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var (starting, caller) = (System.Diagnostics.Stopwatch.StartNew(), Timings.Caller());
        var (dir, pg) = await NewDataAsync(kind, migrated: true);
        var app = new GatehouseApp(kind, dir, ownsData: true, pg, OnTemplate(settings), services) { _startedBy = caller };
        app._phases.Begin(starting.Elapsed);
        _ = app.Server; // start now, so failures surface here
        Timings.Record("start", caller, starting.Elapsed);
        app._phases.Record(kind, caller);
        return app;
    }

    /// <summary>Like <see cref="StartAsync"/>, but on a truly empty database: the server migrates it from nothing.</summary>
    public static async Task<GatehouseApp> StartOnEmptyDatabaseAsync(DbKind kind, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var (starting, caller) = (System.Diagnostics.Stopwatch.StartNew(), Timings.Caller());
        var (dir, pg) = await NewDataAsync(kind, migrated: false);
        var app = new GatehouseApp(kind, dir, ownsData: true, pg, settings, services) { _startedBy = caller };
        _ = app.Server;
        Timings.Record("start-empty", caller, starting.Elapsed);
        return app;
    }

    /// <summary>
    /// Settings for a server on a copy of the migrated template: the start-up migration is switched off
    /// (<c>Database:MigrateOnStartup</c>, a documented setting). On a copy it only finds nothing pending, but
    /// checking costs about half a second per server (EF Core compares the model with the migrations' snapshot).
    /// The migrations themselves run through the server's own start-up code once per run for the template
    /// (<see cref="MigratedTemplates"/>) and on every <see cref="StartOnEmptyDatabaseAsync"/>. A test may set it back.
    /// </summary>
    private static Dictionary<string, string?> OnTemplate(IDictionary<string, string?>? settings)
    {
        var merged = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        merged.TryAdd("Database:MigrateOnStartup", "false");
        return merged;
    }

    private static async Task<(string Directory, PostgresTestDatabase? Pg)> NewDataAsync(DbKind kind, bool migrated)
    {
        var dir = Directory.CreateTempSubdirectory("gatehouse-test-").FullName;
        SeedOAuthKeys(dir);
        if (kind == DbKind.Sqlite)
        {
            if (migrated) await MigratedTemplates.CopySqliteInto(dir);
            return (dir, null);
        }
        return (dir, migrated ? await PostgresTestDatabase.CreateAsync() : await PostgresTestDatabase.CreateEmptyAsync());
    }

    /// <summary>
    /// Like <see cref="StartAsync"/>, but on a real Kestrel socket at 127.0.0.1 (a browser can reach it);
    /// <see cref="KestrelAddress"/> is its base URL.
    /// </summary>
    /// <param name="https">Serve HTTPS with the server's configured certificate (<c>Gatehouse:Tls</c> in <paramref name="settings"/>).</param>
    public static async Task<GatehouseApp> StartKestrelAsync(DbKind kind, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null, bool https = false)
    {
        var (starting, caller) = (System.Diagnostics.Stopwatch.StartNew(), Timings.Caller());
        var (dir, pg) = await NewDataAsync(kind, migrated: true);
        // The public URL (issuer, download URLs) is the address the browser reaches, so the port is chosen first.
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        var merged = OnTemplate(settings);
        merged.TryAdd("Gatehouse:PublicUrl", $"{(https ? "https" : "http")}://127.0.0.1:{port}/");
        var app = new GatehouseApp(kind, dir, ownsData: true, pg, merged, services) { _startedBy = caller };
        app.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, port, l => { if (https) l.UseHttps(); }));
        app._phases.Begin(starting.Elapsed);
        app.StartServer();
        Timings.Record("start", caller, starting.Elapsed);
        app._phases.Record(kind, caller);
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        app.KestrelAddress = addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        if (https) app.KestrelAddress = app.KestrelAddress.Replace("http://", "https://", StringComparison.Ordinal);
        return app;
    }

    /// <summary>The base URL of a server started with <see cref="StartKestrelAsync"/>.</summary>
    public string? KestrelAddress { get; private set; }

    // RSA-3072 generation costs about a second per key; every test server would make two. One pair per
    // test run, copied into each new data directory, keeps the suite fast (OAuth tests of key creation
    // use their own directories).
    private static readonly Lazy<(string Signing, string Encryption)> OAuthKeyPems = new(() =>
    {
        using var signing = System.Security.Cryptography.RSA.Create(3072);
        using var encryption = System.Security.Cryptography.RSA.Create(3072);
        return (signing.ExportPkcs8PrivateKeyPem(), encryption.ExportPkcs8PrivateKeyPem());
    });

    private static void SeedOAuthKeys(string dataDirectory)
    {
        var dir = Path.Combine(dataDirectory, "keys", "oauth");
        Directory.CreateDirectory(dir);
        var (signingPem, encryptionPem) = OAuthKeyPems.Value;
        foreach (var (name, pem) in new[] { ("signing.pem", signingPem), ("encryption.pem", encryptionPem) })
        {
            var path = Path.Combine(dir, name);
            File.WriteAllText(path, pem);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>A second server on the same data directory and database (a restart, or another machine).</summary>
    public GatehouseApp StartSibling(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var merged = new Dictionary<string, string?>(_settings);
        if (settings is not null)
            foreach (var (k, v) in settings) merged[k] = v;
        var (starting, caller) = (System.Diagnostics.Stopwatch.StartNew(), Timings.Caller());
        var app = new GatehouseApp(Kind, DataDirectory, ownsData: false, pg: null, merged, services ?? _services) { _startedBy = caller };
        _ = app.Server;
        Timings.Record("start-sibling", caller, starting.Elapsed);
        return app;
    }

    private static readonly Gatehouse.Analysis.Analyzers.EngineHandles SharedEngines = new(TimeProvider.System);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        _phases.Mark(StartPhases.Program);
        foreach (var (k, v) in _settings) builder.UseSetting(k, v);
        builder.UseEnvironment("Testing");
        if (Timings.On) builder.ConfigureTestServices(_phases.Instrument);
        // PBKDF2 at 100,000 rounds costs tens of milliseconds per user made or signed in; the tests make hundreds.
        // The hashing itself is ASP.NET Core Identity's and not under test here.
        builder.ConfigureTestServices(s => s.Configure<PasswordHasherOptions>(o => o.IterationCount = 1_000));
        // One set of engines for the test process (YARA compiles its rules once, not once per host); an
        // instance registration, so a stopping host does not dispose it.
        builder.ConfigureTestServices(s => s.AddSingleton(SharedEngines));
        builder.ConfigureTestServices(s => AuditInsertFailureInterceptor.AddTo(s, Kind, AuditFailure));
        if (_services is not null) builder.ConfigureTestServices(_services);
    }

    /// <summary>Stops this server process but keeps its data and database (a crash or a restart).</summary>
    public ValueTask StopAsync() => base.DisposeAsync();

    public override async ValueTask DisposeAsync()
    {
        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await base.DisposeAsync();
        Timings.Record("stop", _startedBy, stopping.Elapsed);
        if (_pg is not null) await _pg.DisposeAsync();
        if (_ownsData)
        {
            try { Directory.Delete(DataDirectory, recursive: true); }
            catch (IOException) { }
        }
    }

    // ---- helpers that act directly on the server's services (set-up, not the behaviour under test)

    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    public Task WithScopeAsync(Func<IServiceProvider, Task> action) =>
        WithScopeAsync<bool>(async sp => { await action(sp); return true; });

    /// <summary>Creates a user with a unique e-mail (prefix + random) and the given role.</summary>
    public Task<GatehouseUser> CreateUserAsync(string role, string prefix = "user", string password = "a-long-enough-password") =>
        WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<GatehouseUser>>();
            var email = $"{prefix}-{Guid.NewGuid():N}@example.test";
            var user = new GatehouseUser { UserName = email, Email = email, CreatedAt = sp.GetRequiredService<TimeProvider>().GetUtcNow() };
            var r = await users.CreateAsync(user, password);
            if (!r.Succeeded) throw new InvalidOperationException(string.Join("; ", r.Errors.Select(e => e.Description)));
            await users.AddToRoleAsync(user, role);
            return user;
        });

    public Task<GatehouseUser> AdminAsync() =>
        WithScopeAsync(async sp => (await sp.GetRequiredService<UserManager<GatehouseUser>>().FindByEmailAsync(AdminEmail))!);

    public Task<(string Token, PersonalAccessToken Record)> IssueTokenAsync(string userId, params string[] scopes) =>
        WithScopeAsync(sp => sp.GetRequiredService<TokenService>()
            .IssueAsync(userId, "test", scopes.Length == 0 ? Scopes.All : scopes, TimeSpan.FromDays(1), CancellationToken.None));

    /// <summary>
    /// As <see cref="IssueTokenAsync"/>, with the <c>auth.token.issued</c> entry the API writes (subject the token id): for
    /// tests that compare state with the audit chain (<c>Audit/AuditGapTests</c>), where an unaudited set-up token is a gap.
    /// </summary>
    public Task<(string Token, PersonalAccessToken Record)> IssueAuditedTokenAsync(string userId, params string[] scopes) =>
        WithScopeAsync(async sp =>
        {
            var issued = await sp.GetRequiredService<TokenService>()
                .IssueAsync(userId, "test", scopes.Length == 0 ? Scopes.All : scopes, TimeSpan.FromDays(1), CancellationToken.None);
            await sp.GetRequiredService<Gatehouse.Server.Audit.AuditLog>().AppendAsync(new Gatehouse.Server.Audit.AuditEvent(
                Gatehouse.Server.Audit.AuditActions.TokenIssued, userId, Subject: issued.Record.Id, Data: new { issued.Record.Name, scopes = issued.Record.Scopes }));
            return issued;
        });

    public async Task<Organization> CreateOrganizationAsync(string ownerUserId, string? name = null) =>
        await WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var org = new Organization { Id = Guid.NewGuid(), Name = name ?? $"Org {Guid.NewGuid():N}", OwnerUserId = ownerUserId, CreatedAt = now };
            org.Members.Add(new OrganizationMember { UserId = ownerUserId, Role = OrganizationRoles.Owner, AddedAt = now });
            db.Organizations.Add(org);
            await db.SaveChangesAsync();
            return org;
        });

    /// <summary>
    /// The token of the newest invitation e-mailed to <paramref name="email"/>, read the way the e-mail is built: from the
    /// outbox row, where it is encrypted with data protection (never stored in clear).
    /// </summary>
    public Task<string> InvitationTokenAsync(string email) =>
        WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var rows = await db.Outbox.AsNoTracking().Where(m => m.Recipient == email && m.Event.StartsWith("invitation.")).ToListAsync();
            var payload = rows.OrderBy(m => m.CreatedAt).Last().PayloadJson;
            using var doc = System.Text.Json.JsonDocument.Parse(payload);
            var protectedLink = doc.RootElement.GetProperty("data").GetProperty("linkProtected").GetString()!;
            var link = Microsoft.AspNetCore.DataProtection.DataProtectionCommonExtensions.Unprotect(
                sp.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>().CreateProtector(Gatehouse.Server.Notifications.Notifier.EmailSecretPurpose),
                protectedLink);
            return Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]);
        });

    /// <summary>
    /// Makes <paramref name="user"/> a member of the organisation the only way there is: an invitation the user
    /// accepts (through <see cref="Gatehouse.Server.Invitations.InvitationService"/>). A staff account is invited by
    /// an admin (the allowance staff need); anyone else by the organisation's owner.
    /// </summary>
    public Task JoinOrganizationAsync(Guid orgId, GatehouseUser user, string role = OrganizationRoles.Member) =>
        WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<GatehouseUser>>();
            var staff = await users.IsInRoleAsync(user, Roles.Reviewer) || await users.IsInRoleAsync(user, Roles.Admin);
            var db = sp.GetRequiredService<GatehouseDb>();
            var org = await db.Organizations.FindAsync(orgId) ?? throw new InvalidOperationException("no such organisation");
            var invitations = sp.GetRequiredService<Gatehouse.Server.Invitations.InvitationService>();
            var (_, token) = await invitations.IssueAsync(Gatehouse.Server.Invitations.InvitationKinds.Organization, orgId, org.Name, user.Email!, role,
                org.OwnerUserId, staffAllowed: staff, new Gatehouse.Server.Audit.AuditEvent(Gatehouse.Server.Audit.AuditActions.InvitationCreated, org.OwnerUserId), default);
            var outcome = await invitations.AcceptAsync(user.Id, token, new Gatehouse.Server.Audit.AuditEvent(Gatehouse.Server.Audit.AuditActions.MemberAdded, user.Id), default);
            if (outcome.Status != Gatehouse.Server.Invitations.AcceptStatus.Accepted) throw new InvalidOperationException($"joining failed: {outcome.Status}");
        });

    /// <summary>
    /// Turns on TOTP two-factor authentication for <paramref name="user"/> through Identity (as the setup page does)
    /// and returns the base32 shared key; <see cref="Totp.Code"/> gives the current code.
    /// </summary>
    public Task<string> EnrollTotpAsync(GatehouseUser user) =>
        WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<GatehouseUser>>();
            var u = await users.FindByIdAsync(user.Id) ?? throw new InvalidOperationException("no such user");
            var key = await users.GetAuthenticatorKeyAsync(u);
            if (string.IsNullOrEmpty(key))
            {
                await users.ResetAuthenticatorKeyAsync(u);
                key = await users.GetAuthenticatorKeyAsync(u);
            }
            if (!await users.GetTwoFactorEnabledAsync(u)) await users.SetTwoFactorEnabledAsync(u, true);
            return key!;
        });

    /// <summary>
    /// For a staff member (admin, reviewer): their TOTP key, enrolling them first if they have none. For anyone else,
    /// or an unknown e-mail: null (they sign in with the password alone).
    /// </summary>
    public async Task<string?> TotpKeyForStaffAsync(string email)
    {
        var (user, staff) = await WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<GatehouseUser>>();
            var u = await users.FindByEmailAsync(email);
            if (u is null) return ((GatehouseUser?)null, false);
            var roles = await users.GetRolesAsync(u);
            return (u, roles.Contains(Roles.Admin) || roles.Contains(Roles.Reviewer) || await users.GetTwoFactorEnabledAsync(u));
        });
        return user is null || !staff ? null : await EnrollTotpAsync(user);
    }

    /// <summary>
    /// A code the server has not accepted for <paramref name="email"/> yet (a code works once): the current step's, or
    /// the next step's when the current one was used. When both were, the user's record of used steps is cleared
    /// (a set-up shortcut so helpers can sign the same person in many times a minute; replay is tested on its own).
    /// </summary>
    public async Task<string> UnusedTotpCodeAsync(string email, string key)
    {
        var now = TimeProvider.System.GetUtcNow();
        var step = now.ToUnixTimeSeconds() / 30;
        var last = await WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var id = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
            var used = await db.TotpSteps.Where(s => s.UserId == id).Select(s => (long?)s.LastAcceptedStep).FirstOrDefaultAsync();
            if (used > step) await db.TotpSteps.Where(s => s.UserId == id).ExecuteDeleteAsync();
            return used > step ? null : used;
        });
        return Totp.Code(key, last == step ? now.AddSeconds(30) : now);
    }

    /// <summary>An HTTP client that presents <paramref name="token"/> as a bearer token (none: anonymous).</summary>
    public HttpClient ClientWith(string? token)
    {
        // A server on a real socket is reached through it (the in-memory client would go to localhost:80).
        var c = KestrelAddress is { } origin
            ? new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(origin + "/") }
            : CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        if (token is not null) c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return c;
    }

    /// <summary>A user of <paramref name="role"/> and a token with all the scopes the role allows.</summary>
    public async Task<(GatehouseUser User, string Token)> UserWithTokenAsync(string role, string prefix = "user")
    {
        var user = await CreateUserAsync(role, prefix);
        var (token, _) = await IssueTokenAsync(user.Id, [.. Scopes.AllowedFor([role])]);
        return (user, token);
    }
}
