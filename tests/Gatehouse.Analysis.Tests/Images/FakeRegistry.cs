using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Analysis.Tests.Images;

/// <summary>
/// A small registry on 127.0.0.1 (Kestrel, http) serving one <see cref="TestLayout"/> image as <c>team/app:v1</c>, guarded by
/// a bearer-token challenge whose realm checks basic credentials (or by a plain basic-auth challenge). Blobs are redirected
/// to a storage path, as registries backed by object storage do; the manifest carries a false Docker-Content-Digest.
/// </summary>
internal sealed class FakeRegistry : IAsyncDisposable
{
    public const string User = "vendor";
    public const string Password = "s3cret-pa55";
    private const string Token = "tok-abc";

    private readonly WebApplication _app;
    private readonly TestLayout _layout;
    private readonly string _manifestDigest;

    private FakeRegistry(WebApplication app, TestLayout layout, string manifestDigest)
    {
        _app = app;
        _layout = layout;
        _manifestDigest = manifestDigest;
    }

    public int Port { get; private set; }
    public string Host => $"127.0.0.1:{Port}";
    public List<string> TokenRequests { get; } = [];
    public bool BasicOnly { get; set; }
    public bool AccessTokenField { get; set; }
    public bool TamperBlobs { get; set; }
    public int StorageRequestsWithAuthorization;

    public static async Task<FakeRegistry> StartAsync(TestLayout layout, string manifestDigest)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeRegistry(app, layout, manifestDigest);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
        return server;
    }

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        var auth = context.Request.Headers.Authorization.ToString();
        if (path == "/token")
        {
            TokenRequests.Add(context.Request.QueryString.Value ?? "");
            if (auth != Basic(User, Password)) { context.Response.StatusCode = 401; return; }
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(AccessTokenField ? $$"""{"access_token":"{{Token}}"}""" : $$"""{"token":"{{Token}}","expires_in":60}""");
            return;
        }
        if (path.StartsWith("/storage/", StringComparison.Ordinal))
        {
            if (auth.Length > 0) Interlocked.Increment(ref StorageRequestsWithAuthorization);
            var bytes = _layout.Files["blobs/sha256/" + path["/storage/sha256:".Length..]];
            if (TamperBlobs && bytes.Length > 100) { bytes = (byte[])bytes.Clone(); bytes[^1] ^= 1; }
            await context.Response.Body.WriteAsync(bytes);
            return;
        }
        var expected = BasicOnly ? Basic(User, Password) : "Bearer " + Token;
        if (auth != expected)
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = BasicOnly
                ? "Basic realm=\"fake\""
                : $"Bearer realm=\"http://{Host}/token\",service=\"fake registry\",scope=\"repository:team/app:pull\"";
            return;
        }
        if (path == "/v2/") { await context.Response.WriteAsync("{}"); return; }
        if (path is "/v2/team/app/manifests/v1" || path == "/v2/team/app/manifests/" + _manifestDigest)
        {
            context.Response.ContentType = "application/vnd.oci.image.manifest.v1+json";
            context.Response.Headers["Docker-Content-Digest"] = "sha256:" + new string('f', 64); // never trusted
            await context.Response.Body.WriteAsync(_layout.Files["blobs/sha256/" + _manifestDigest[7..]]);
            return;
        }
        if (path.StartsWith("/v2/team/app/blobs/sha256:", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 307;
            context.Response.Headers.Location = $"http://{Host}/storage/{path["/v2/team/app/blobs/".Length..]}";
            return;
        }
        context.Response.StatusCode = 404;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
