using Gatehouse.Server.Downloads;

namespace Gatehouse.Server.Registry;

/// <summary>Which granted pulls are audited: the first per (access token, repository) and minute (a <see cref="DownloadCountWindow"/> of its own).</summary>
internal sealed class RegistryGrantWindow
{
    private readonly DownloadCountWindow _window = new();

    public bool ShouldCount(string key, DateTimeOffset now, TimeSpan window) => _window.ShouldCount(key, now, window);
}
