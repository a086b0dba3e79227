using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Analysis.Requirements;
using Gatehouse.Server.Tests.Support;

namespace Gatehouse.Server.Tests.Guidelines;

/// <summary>The public guidelines: the page, the catalogue JSON, one requirement, and the questionnaires.</summary>
public sealed class GuidelinesApiTests(SharedServers servers) : IClassFixture<SharedServers>
{
    [Fact]
    public async Task The_catalogue_json_is_public_and_carries_its_version()
    {
        var app = await servers.For(DbKind.Sqlite);
        using var client = app.ClientWith(null);

        var body = await client.GetFromJsonAsync<JsonElement>("/api/guidelines");

        var catalog = RequirementCatalog.LoadEmbedded();
        Assert.Equal(catalog.Version, body.GetProperty("catalogVersion").GetString());
        Assert.Equal(catalog.Digest, body.GetProperty("catalogDigest").GetString());
        Assert.Equal(catalog.All.Count, body.GetProperty("requirements").GetArrayLength());
        var first = body.GetProperty("requirements")[0];
        foreach (var field in new[] { "id", "title", "why", "how", "severity", "effective", "digest" })
            Assert.False(string.IsNullOrEmpty(first.GetProperty(field).GetString()), field);
        Assert.Equal(JsonValueKind.Object, first.GetProperty("verifiedBy").ValueKind);
    }

    [Theory]
    [InlineData("helm-chart")]
    [InlineData("chart")]
    public async Task The_catalogue_json_filters_by_app_type(string type)
    {
        var app = await servers.For(DbKind.Sqlite);
        using var client = app.ClientWith(null);

        var body = await client.GetFromJsonAsync<JsonElement>($"/api/guidelines?type={type}");

        Assert.Equal("helm-chart", body.GetProperty("appType").GetString());
        var requirements = body.GetProperty("requirements").EnumerateArray().ToList();
        Assert.Equal(RequirementCatalog.LoadEmbedded().ForType("helm-chart").Count, requirements.Count);
        Assert.All(requirements, r => Assert.Contains("helm-chart", r.GetProperty("appliesTo").EnumerateArray().Select(e => e.GetString())));
    }

    [Fact]
    public async Task An_unknown_app_type_is_a_400_problem()
    {
        var app = await servers.For(DbKind.Sqlite);
        using var client = app.ClientWith(null);

        var api = await client.GetAsync("/api/guidelines?type=mainframe");
        var questionnaire = await client.GetAsync("/api/questionnaires/mainframe");
        var page = await client.GetAsync("/guidelines?type=%3Cscript%3E");

        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Equal("request.invalid", (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, questionnaire.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_requirement_is_served_by_id_and_an_unknown_id_is_404()
    {
        var app = await servers.For(DbKind.Sqlite);
        using var client = app.ClientWith(null);

        var tls = await client.GetFromJsonAsync<JsonElement>("/api/guidelines/GH-TLS-1");
        var missing = await client.GetAsync("/api/guidelines/GH-NOPE-1");

        Assert.Equal("GH-TLS-1", tls.GetProperty("id").GetString());
        Assert.Equal(RequirementCatalog.LoadEmbedded().Get("GH-TLS-1").Digest, tls.GetProperty("digest").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("request.not-found", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_questionnaire_of_each_app_type_is_public_with_kinds_and_scores_as_words()
    {
        var app = await servers.For(DbKind.Sqlite);
        using var client = app.ClientWith(null);

        foreach (var type in AppTypes.All)
        {
            var q = await client.GetFromJsonAsync<JsonElement>($"/api/questionnaires/{type}");
            Assert.Equal(type, q.GetProperty("appType").GetString());
            Assert.True(q.GetProperty("version").GetInt32() >= 1);
            var items = q.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(items.Count, 6, 12);
            Assert.All(items, i => Assert.Contains(i.GetProperty("kind").GetString(), new[] { "yes-no", "choice", "text" }));
            Assert.Contains(items.SelectMany(i => i.GetProperty("options").EnumerateArray()), o => o.GetProperty("score").GetString() == "fail");
        }
    }

    [Fact]
    public async Task The_page_lists_every_requirement_grouped_by_area_with_no_inline_script_or_style()
    {
        var app = await servers.For(DbKind.Sqlite);
        using var client = app.ClientWith(null);

        var response = await client.GetAsync("/guidelines");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        var catalog = RequirementCatalog.LoadEmbedded();
        foreach (var r in catalog.All) Assert.Contains($"<article id=\"{r.Id}\">", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Transport security</h2>", html, StringComparison.Ordinal);
        Assert.Contains(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(catalog.Version), html, StringComparison.Ordinal);
        // The shared console layout loads its script as a file of this origin (CSP 'self'); nothing inline.
        Assert.DoesNotMatch(@"(?i)<script(?![^>]*\bsrc=)", html);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("style=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("unsafe-inline", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_for_one_app_type_shows_only_its_requirements()
    {
        var app = await servers.For(DbKind.Sqlite);
        using var client = app.ClientWith(null);

        var html = await client.GetStringAsync("/guidelines?type=container");

        Assert.Contains("id=\"GH-CTR-1\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"GH-TLS-1\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"GH-HELM-1\"", html, StringComparison.Ordinal);
        Assert.Contains("/api/questionnaires/container", html, StringComparison.Ordinal);
    }
}
