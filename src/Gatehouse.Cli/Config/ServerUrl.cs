namespace Gatehouse.Cli.Config;

/// <summary>Validation of the server base URL given to <c>login</c> or in <c>GATEHOUSE_SERVER</c>.</summary>
internal static class ServerUrl
{
    /// <summary>
    /// Accepts an absolute http(s) URL without user info, query or fragment, and returns it with a
    /// trailing slash so that relative API paths resolve under it (a server may live under a path prefix).
    /// </summary>
    public static bool TryParse(string? text, out Uri url, out string error)
    {
        url = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the server URL is empty";
            return false;
        }
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            error = $"'{text}' is not an absolute http:// or https:// URL";
            return false;
        }
        if (parsed.UserInfo.Length > 0)
        {
            error = "the server URL must not contain a user name or password; pass the token with --token";
            return false;
        }
        if (parsed.Query.Length > 0 || parsed.Fragment.Length > 0)
        {
            error = "the server URL must not contain a query or fragment";
            return false;
        }
        var builder = new UriBuilder(parsed);
        if (!builder.Path.EndsWith('/')) builder.Path += "/";
        url = builder.Uri;
        error = "";
        return true;
    }

    /// <summary>The URL as shown to people and stored in the config: without the trailing slash added by <see cref="TryParse"/>.</summary>
    public static string Display(Uri url) => url.AbsoluteUri.TrimEnd('/');

    /// <summary>Whether a token sent to <paramref name="url"/> travels in clear text over a network.</summary>
    public static bool IsCleartextRemote(Uri url) => url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback;
}
