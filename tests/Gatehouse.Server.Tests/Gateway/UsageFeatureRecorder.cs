using System.Collections.Concurrent;
using Gatehouse.Server.Usage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Gatehouse.Server.Tests.Gateway;

/// <summary>
/// Records what each call's <see cref="UsageEndpointFeature"/> said when the call ended, by path: the outermost
/// middleware of the test server (a startup filter), where the metering middleware reads it.
/// </summary>
public sealed class UsageFeatureRecorder : IStartupFilter
{
    internal ConcurrentDictionary<string, UsageEndpointFeature> ByPath { get; } = new(StringComparer.Ordinal);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (HttpContext ctx, RequestDelegate inner) =>
        {
            await inner(ctx);
            if (ctx.Features.Get<UsageEndpointFeature>() is { } f) ByPath[ctx.Request.Path.Value ?? ""] = f;
        });
        next(app);
    };
}
