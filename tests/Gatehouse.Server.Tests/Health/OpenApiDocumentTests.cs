using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Tests.Support;

namespace Gatehouse.Server.Tests.Health;

/// <summary>The OpenAPI document is what integrators generate clients from: every operation is named and summarised.</summary>
public sealed class OpenApiDocumentTests
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    [Fact]
    public async Task Every_operation_has_a_unique_operation_id_and_a_summary()
    {
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite);
        using var client = app.ClientWith(null);
        var doc = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)))
            {
                var where = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                var id = operation.Value.TryGetProperty("operationId", out var i) ? i.GetString() : null;
                var summary = operation.Value.TryGetProperty("summary", out var s) ? s.GetString() : null;
                if (string.IsNullOrWhiteSpace(id)) problems.Add($"{where}: no operationId");
                else if (!ids.TryAdd(id, where)) problems.Add($"{where}: operationId {id} is also {ids[id]}'s");
                if (string.IsNullOrWhiteSpace(summary)) problems.Add($"{where}: no summary");
            }
        }

        Assert.True(ids.Count > 50, $"only {ids.Count} operations in the document");
        Assert.Empty(problems);
        Assert.Equal("GET /api/apps/{app}", ids["GetApp"]);
        Assert.Equal("POST /api/apps/{app}/versions/{version}/actions", ids["SubmitVersionAction"]);
    }
}
