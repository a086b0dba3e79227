using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Gatehouse.Server.Tests.Support;

/// <summary>Signs in through the console's login form, as a browser would (cookies + antiforgery).</summary>
public static partial class FormLogin
{
    [GeneratedRegex("name=\"(__RequestVerificationToken)\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    public static HttpClient CookieClient(GatehouseApp app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static async Task<string> FormTokenAsync(HttpClient client, string page = "/account/login")
    {
        var html = await client.GetStringAsync(page);
        var m = TokenField().Match(html);
        if (!m.Success) throw new InvalidOperationException($"no antiforgery field on {page}");
        return System.Net.WebUtility.HtmlDecode(m.Groups[2].Value);
    }

    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password, bool withToken = true)
    {
        var fields = new Dictionary<string, string> { ["email"] = email, ["password"] = password };
        if (withToken) fields["__RequestVerificationToken"] = await FormTokenAsync(client);
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(fields));
    }
}
