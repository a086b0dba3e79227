using Gatehouse.Server.Tests.ApiKeys;
using Gatehouse.Server.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Gateway;

/// <summary>
/// One Gatehouse server for the gateway tests, with the gateway configured in front of <see cref="Upstream"/> (routes
/// <c>/gw/tenants/{tenantId}/items/...</c>, <c>/gw/big</c>, <c>/gw/down/...</c> to a closed port), and an app
/// installed in two tenants (<see cref="ApiKeyWorld"/>).
/// </summary>
public sealed class GatewayWorld : IAsyncLifetime
{
    public const string Key = "gateway-test-signing-key-0123456789abcdef";

    public GatewayUpstream Upstream { get; private set; } = null!;
    public GatehouseApp App { get; private set; } = null!;
    internal ApiKeyWorld World { get; private set; } = null!;
    public UsageFeatureRecorder Usage { get; } = new();

    public async Task InitializeAsync()
    {
        Upstream = await GatewayUpstream.StartAsync(Key);
        int closed;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            closed = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        const string p = "Gateway:ReverseProxy:";
        App = await GatehouseApp.StartAsync(DbKind.Sqlite, new Dictionary<string, string?>
        {
            [p + "Routes:items:ClusterId"] = "api",
            [p + "Routes:items:Match:Path"] = "/gw/tenants/{tenantId}/items/{**rest}",
            [p + "Routes:items:Metadata:Gatehouse.Scope.GET"] = "projects.read",
            [p + "Routes:items:Metadata:Gatehouse.Scope.POST"] = "projects.write",
            [p + "Routes:items:Metadata:Gatehouse.TenantRouteValue"] = "tenantId",
            [p + "Routes:items:Metadata:Gatehouse.Template"] = "/gw/tenants/{tenantId}/items",
            [p + "Routes:items:Transforms:0:PathRemovePrefix"] = "/gw",
            [p + "Routes:big:ClusterId"] = "api",
            [p + "Routes:big:Match:Path"] = "/gw/big",
            [p + "Routes:big:Metadata:Gatehouse.Scope.*"] = "projects.read",
            [p + "Routes:big:Transforms:0:PathRemovePrefix"] = "/gw",
            [p + "Routes:down:ClusterId"] = "down",
            [p + "Routes:down:Match:Path"] = "/gw/down/{**rest}",
            [p + "Routes:down:Metadata:Gatehouse.Scope.*"] = "projects.read",
            [p + "Clusters:api:Destinations:one:Address"] = Upstream.BaseUrl + "/",
            [p + "Clusters:down:Destinations:one:Address"] = $"http://127.0.0.1:{closed}/",
            ["Gateway:SigningKeys:api"] = Key,
            ["Gateway:SigningKeys:down"] = Key,
            // Big bodies stream through; the server's own limit is for its API, raised here for the 40 MiB upload.
            ["Kestrel:Limits:MaxRequestBodySize"] = "100000000",
        }, s => s.AddSingleton<IStartupFilter>(Usage));
        World = await ApiKeyWorld.CreateAsync(App);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
