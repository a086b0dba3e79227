namespace Gatehouse.Server.Registry;

/// <summary>
/// The one HTTP client Gatehouse uses to talk to its registry (<c>Registry:Url</c>, an address the operator configured,
/// not a vendor's): no redirects followed, no cookies, a long timeout for large layers.
/// </summary>
internal sealed class RegistryHttp : IDisposable
{
    public RegistryHttp() =>
        Client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = TimeSpan.FromSeconds(15), PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        }) { Timeout = TimeSpan.FromMinutes(30) };

    public HttpClient Client { get; }

    public void Dispose() => Client.Dispose();
}
