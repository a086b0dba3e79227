namespace Gatehouse.Server.Tests.Support;

public static partial class FormLogin
{
    /// <summary>
    /// Signs in like <see cref="PostLoginAsync"/>, and for staff (who must use two-factor authentication) first enrols
    /// them if needed and then answers <c>/account/2fa</c> with the current code. Returns the final response
    /// (a redirect to <c>/account/</c> when it worked).
    /// </summary>
    public static async Task<HttpResponseMessage> SignInAsync(GatehouseApp app, HttpClient client, string email, string password)
    {
        var key = await app.TotpKeyForStaffAsync(email);
        var login = await PostLoginAsync(client, email, password);
        if (key is null || login.Headers.Location?.OriginalString.StartsWith("/account/2fa", StringComparison.Ordinal) != true) return login;
        login.Dispose();
        var token = await FormTokenAsync(client, "/account/2fa");
        return await client.PostAsync("/account/2fa", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["code"] = await app.UnusedTotpCodeAsync(email, key),
        }));
    }
}
