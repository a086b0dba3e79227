using System.Security.Cryptography;
using Gatehouse.Server.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Server.OAuth;

/// <summary>
/// The OAuth 2.0 authorization server (OpenIddict) for web integrations, stored in the Gatehouse
/// database, and the HTTPS rules of the host. Docs: docs/oauth.md.
/// </summary>
internal static class OAuthSetup
{
    /// <summary>The platform API's resource indicator (RFC 8707), in canonical form (trailing slash).</summary>
    public const string PlatformResource = "https://platform.gatehouse.local/api/";

    /// <summary>The claim naming the tenant a token acts for.</summary>
    public const string TenantClaim = "tenant_id";

    /// <summary>The request parameter naming the tenant in a client-credentials request.</summary>
    public const string TenantParameter = "tenant";

    internal static IServiceCollection AddGatehouseOAuth(this IServiceCollection services, IHostEnvironment environment, StartupSettings s)
    {
        var devLike = environment.IsDevelopment() || environment.IsEnvironment("Testing");
        // The one exception to HTTPS, for a developer's machine; a production start refuses it.
        if (s.Gatehouse.AllowInsecureHttp && !devLike)
            throw new InvalidOperationException("Gatehouse:AllowInsecureHttp is a development setting; it is refused outside the Development environment (docs/oauth.md).");

        services.AddScoped<AppAccessGate>(); // the kill switch every credential of an app passes
        services.AddScoped<TenantDirectory>();
        services.AddScoped<AppClients>();
        services.AddScoped<Apps.IVersionTransitionObserver>(sp => sp.GetRequiredService<AppAccessGate>());
        services.AddScoped<Audit.IAuditGapCheck, SuspensionAuditGaps>(); // every kill-switch suspension and lift has its audit entry
        services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<GatehouseDb>())
            .AddServer(o =>
            {
                o.SetAuthorizationEndpointUris("connect/authorize")
                 .SetTokenEndpointUris("connect/token")
                 .SetIntrospectionEndpointUris("connect/introspect")
                 .SetRevocationEndpointUris("connect/revoke")
                 .SetPushedAuthorizationEndpointUris("connect/par");           // RFC 9126
                o.AllowAuthorizationCodeFlow().AllowClientCredentialsFlow().AllowRefreshTokenFlow()
                 .RequireProofKeyForCodeExchange();                               // RFC 7636, every client
                o.Configure(x => x.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain)); // S256 only
                o.Configure(x => x.RequestTokenLifetime = TimeSpan.FromMinutes(5));        // PAR request_uri (default 1 h)
                o.RegisterScopes([.. OAuthScopes.All]);
                // Gatehouse is an OAuth authorization server, not an OpenID provider: no `openid`, no identity tokens.
                o.Configure(x => x.Scopes.Remove(Scopes.OpenId));
                o.RegisterResources(PlatformResource);                            // RFC 8707
                o.SetAccessTokenLifetime(TimeSpan.FromMinutes(10)).SetRefreshTokenLifetime(TimeSpan.FromDays(14));
                // Strict rotation: a refresh token works once; reuse fails and OpenIddict revokes the chain.
                o.SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                var keys = OAuthKeys.LoadOrCreate(Path.Combine(s.DataDirectory, "keys", "oauth"));
                o.AddSigningKey(keys.Signing).AddEncryptionKey(keys.Encryption);
                // The kill switch is a state: introspection of a suspended app's token says inactive (AppAccessGate).
                o.AddEventHandler(AppAccessHandlers.Introspection.Descriptor);
                // Discovery announces the public URL's endpoints, never ones built from the Host header (PublicUrl).
                o.AddEventHandler(PublicIssuerHandler.Descriptor);
                o.AddEventHandler(RecordTokenRefusals.Descriptor); // invalid_client / invalid_grant → security refusals
                var aspnet = o.UseAspNetCore().EnableAuthorizationEndpointPassthrough().EnableTokenEndpointPassthrough();
                if (s.Gatehouse.AllowInsecureHttp) aspnet.DisableTransportSecurityRequirement();
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.AddAudiences(PlatformResource);
                // A revoked token fails at once, not when it expires.
                o.EnableTokenEntryValidation();
                // ... and so does every token of an uninstalled installation or a killed app (its authorization is revoked).
                o.EnableAuthorizationEntryValidation();
                // ... and the platform API refuses any access token of an app whose access is suspended (AppAccessGate).
                o.AddEventHandler(AppAccessHandlers.AccessToken.Descriptor);
                o.UseAspNetCore();
            });

        // The issuer (and every endpoint in the discovery document) is the configured public URL, never the request's
        // Host header: `Host: evil.example` must not make Gatehouse announce https://evil.example/ (issue 12, item 6).
        services.AddOptions<OpenIddict.Server.OpenIddictServerOptions>().Configure<PublicUrl>((o, url) => o.Issuer = url.Base);

        if (!devLike)
            services.AddHsts(o => { o.MaxAge = TimeSpan.FromDays(365); o.IncludeSubDomains = true; });
        return services;
    }

    /// <summary>Outside Development/Testing: HSTS (one year) and redirection of plain HTTP to HTTPS.</summary>
    internal static WebApplication UseGatehouseHttps(this WebApplication app)
    {
        if (app.Environment.IsDevelopment() || app.Environment.IsEnvironment("Testing")) return app;
        app.UseHsts();
        app.UseHttpsRedirection();
        return app;
    }
}

/// <summary>
/// The server's RSA signing and encryption keys, generated once and kept under
/// <c>{DataDirectory}/keys/oauth/</c> (mode 0600), so every process on the data directory agrees.
/// </summary>
internal sealed record OAuthKeys(SecurityKey Signing, SecurityKey Encryption)
{
    public static OAuthKeys LoadOrCreate(string directory)
    {
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new OAuthKeys(Load(Path.Combine(directory, "signing.pem")), Load(Path.Combine(directory, "encryption.pem")));
    }

    private static RsaSecurityKey Load(string path)
    {
        var rsa = RSA.Create();
        if (!File.Exists(path))
        {
            using var fresh = RSA.Create(3072);
            var pem = fresh.ExportPkcs8PrivateKeyPem();
            try
            {
                // CreateNew: when two processes start at once, the first key written wins and both use it.
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                using var w = new StreamWriter(path, System.Text.Encoding.ASCII, options);
                w.Write(pem);
            }
            catch (IOException) when (File.Exists(path)) { }
        }
        rsa.ImportFromPem(File.ReadAllText(path));
        var key = new RsaSecurityKey(rsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }
}
