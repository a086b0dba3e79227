using Gatehouse.Analysis.Images.Registry;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Images;

/// <summary>
/// The one HTTP client registry pulls use (issue 17): the engine's SSRF-guarded client
/// (<see cref="RegistryClient.CreateHttpClient"/>: every connection, token realms and blob redirects included, goes to a
/// public address only, unless the registry is listed in <see cref="ImagesOptions.InsecureRegistries"/>, e.g. a test
/// registry on 127.0.0.1). A refused address fails the pull with <see cref="RegistryClient.AddressRefusedCode"/>, the
/// vendor's to fix (<see cref="ImagePulls.VendorFault"/>), not a retry.
/// </summary>
internal sealed class RegistryHttp : IDisposable
{
    private readonly HashSet<string> _allowed;

    public RegistryHttp(IOptions<ImagesOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _allowed = new HashSet<string>(options.Value.InsecureRegistries, StringComparer.OrdinalIgnoreCase);
        // No client timeout: a pull has its own budget (Images:PullTimeoutSeconds).
        Client = RegistryClient.CreateHttpClient(_allowed, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The guarded client.</summary>
    public HttpClient Client { get; }

    /// <summary>The registries reached over plain http (the allow-list).</summary>
    public IReadOnlySet<string> InsecureRegistries => _allowed;

    public void Dispose() => Client.Dispose();
}
