using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Analysis.Requirements;
using Gatehouse.Server.Listing;
using Gatehouse.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Guidelines;

/// <summary>Old decisions stay readable: every requirement version the server shipped is kept with its exact content.</summary>
public sealed class RequirementVersionsTests
{
    [Fact]
    public async Task Each_requirement_version_is_kept_and_a_changed_text_without_a_new_version_stops_the_start()
    {
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite);
        using var anonymous = app.ClientWith(null);
        var catalog = RequirementCatalog.LoadEmbedded();
        var expected = catalog.Get("GH-FILE-2");
        var versions = await anonymous.GetFromJsonAsync<JsonElement>("/api/guidelines/GH-FILE-2/versions");
        var only = Assert.Single(versions.EnumerateArray());
        Assert.Equal(expected.Version, only.GetProperty("version").GetInt32());
        Assert.Equal(expected.Digest, only.GetProperty("digest").GetString());
        Assert.Equal(expected.Title, only.GetProperty("content").GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/api/guidelines/GH-NOPE-1/versions")).StatusCode);

        // A release that changes GH-FILE-2's text but keeps its version number is refused.
        var changed = catalog.All.Select(r => r.Id == "GH-FILE-2" ? r with { Title = r.Title + " (edited)" } : r).ToList();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => app.WithScopeAsync(sp =>
            sp.GetRequiredService<RequirementSnapshots>().SyncAsync(changed, "test", CancellationToken.None)));
        Assert.Contains("GH-FILE-2", ex.Message, StringComparison.Ordinal);

        // With a new version number it is stored beside the old one.
        var bumped = catalog.All.Select(r => r.Id == "GH-FILE-2" ? r with { Title = r.Title + " (edited)", Version = r.Version + 1 } : r).ToList();
        await app.WithScopeAsync(sp => sp.GetRequiredService<RequirementSnapshots>().SyncAsync(bumped, "test", CancellationToken.None));
        var both = await anonymous.GetFromJsonAsync<JsonElement>("/api/guidelines/GH-FILE-2/versions");
        Assert.Equal([expected.Version + 1, expected.Version], both.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
    }

}
