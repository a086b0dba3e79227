namespace Gatehouse.Server.Tests.Support;

/// <summary>
/// Test servers shared by the tests of one class (an xunit class fixture: <c>IClassFixture&lt;SharedServers&gt;</c>):
/// one per database kind and settings, started on first use and stopped after the class's last test.
/// For tests that make their own users, organisations and apps with unique names and so do not need an empty
/// database: a server start costs seconds, a test on a running server milliseconds. xunit runs the tests of a
/// class one after another, so a shared server never serves two tests at once. A test that needs its own clock
/// or services, changes something server-wide (the listing policy, a new agreement version), or counts rows
/// across the whole database starts its own (<see cref="GatehouseApp.StartAsync"/>).
/// </summary>
public sealed class SharedServers : IAsyncLifetime
{
    private readonly Dictionary<string, Task<GatehouseApp>> _servers = [];
    private readonly Lock _gate = new();

    /// <summary>The class's server on <paramref name="kind"/> with <paramref name="settings"/> (do not dispose it: the fixture does).</summary>
    public Task<GatehouseApp> For(DbKind kind, IDictionary<string, string?>? settings = null)
    {
        var key = kind + string.Concat((settings ?? new Dictionary<string, string?>())
            .OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"\n{s.Key}={s.Value}"));
        lock (_gate)
        {
            if (!_servers.TryGetValue(key, out var server))
                _servers[key] = server = GatehouseApp.StartAsync(kind, settings);
            return server;
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers.Values)
        {
            // A start that failed has failed its test already; there is nothing to stop.
            if (server.IsCompletedSuccessfully) await server.Result.DisposeAsync();
        }
    }
}
