using Gatehouse.Server.Tests.Support;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Security;

/// <summary>
/// Every console form of a server: each Razor page handler that accepts POST, from the endpoint list, keyed
/// <c>POST {pattern} handler {name}</c> (<c>(default)</c> for <c>OnPost</c>), the key the security tests' tables use.
/// </summary>
internal static class ConsoleForms
{
    /// <param name="Handler">The handler's name, null for <c>OnPost</c>.</param>
    public sealed record Form(string Key, string Pattern, string? Handler, RouteEndpoint Endpoint);

    public static List<Form> Of(GatehouseApp app)
    {
        var forms = new List<Form>();
        foreach (var ep in app.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            if (ep.Metadata.GetMetadata<CompiledPageActionDescriptor>() is not { } page) continue;
            var pattern = "/" + ep.RoutePattern.RawText!.TrimStart('/');
            foreach (var h in page.HandlerMethods.Where(h => string.Equals(h.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase)))
                forms.Add(new Form($"POST {pattern} handler {h.Name ?? "(default)"}", pattern, h.Name, ep));
        }
        return forms.DistinctBy(f => f.Key).ToList();
    }
}
