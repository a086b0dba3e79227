using System.Net.Http.Headers;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
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

    public DbKind Kind { get; }
    public string DataDirectory { get; }

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
            ["Database:Provider"] = kind.ToString(),
            ["Database:ConnectionString"] = pg?.ConnectionString,
            ["Jobs:WorkerCount"] = "2",
            ["Jobs:AuditVerifyInterval"] = "00:00:00",
            ["Jobs:EvidenceExpiryInterval"] = "00:00:00",
            ["Logging:LogLevel:Default"] = "Warning",
            // Tests sign in many times a minute from one address; TwoFactorTests sets a low limit to test throttling.
            ["Gatehouse:LoginRateLimitPerMinute"] = "1000",
        };
        if (settings is not null)
            foreach (var (k, v) in settings) _settings[k] = v;
    }

    /// <summary>Starts a server on a new, empty database of <paramref name="kind"/>.</summary>
    public static async Task<GatehouseApp> StartAsync(DbKind kind, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var dir = Directory.CreateTempSubdirectory("gatehouse-test-").FullName;
        SeedOAuthKeys(dir);
        var pg = kind == DbKind.Postgres ? await PostgresTestDatabase.CreateAsync() : null;
        var app = new GatehouseApp(kind, dir, ownsData: true, pg, settings, services);
        _ = app.Server; // start now, so failures surface here
        return app;
    }

    /// <summary>
    /// Like <see cref="StartAsync"/>, but on a real Kestrel socket at 127.0.0.1 (a browser can reach it);
    /// <see cref="KestrelAddress"/> is its base URL.
    /// </summary>
    /// <param name="https">Serve HTTPS with the server's configured certificate (<c>Gatehouse:Tls</c> in <paramref name="settings"/>).</param>
    public static async Task<GatehouseApp> StartKestrelAsync(DbKind kind, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null, bool https = false)
    {
        var dir = Directory.CreateTempSubdirectory("gatehouse-test-").FullName;
        SeedOAuthKeys(dir);
        var pg = kind == DbKind.Postgres ? await PostgresTestDatabase.CreateAsync() : null;
        var app = new GatehouseApp(kind, dir, ownsData: true, pg, settings, services);
        app.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0, l => { if (https) l.UseHttps(); }));
        app.StartServer();
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
        var app = new GatehouseApp(Kind, DataDirectory, ownsData: false, pg: null, merged, services ?? _services);
        _ = app.Server;
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (k, v) in _settings) builder.UseSetting(k, v);
        builder.UseEnvironment("Testing");
        // PBKDF2 at 100,000 rounds costs tens of milliseconds per user made or signed in; the tests make hundreds.
        // The hashing itself is ASP.NET Core Identity's and not under test here.
        builder.ConfigureTestServices(s => s.Configure<PasswordHasherOptions>(o => o.IterationCount = 1_000));
        if (_services is not null) builder.ConfigureTestServices(_services);
    }

    /// <summary>Stops this server process but keeps its data and database (a crash or a restart).</summary>
    public ValueTask StopAsync() => base.DisposeAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
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

    /// <summary>An HTTP client that presents <paramref name="token"/> as a bearer token (none: anonymous).</summary>
    public HttpClient ClientWith(string? token)
    {
        var c = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
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
