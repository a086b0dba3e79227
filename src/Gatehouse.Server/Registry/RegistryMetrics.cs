using System.Diagnostics.Metrics;

namespace Gatehouse.Server.Registry;

/// <summary>
/// <c>gatehouse.registry.tokens</c> (tag <c>outcome</c>: <c>granted</c>, <c>empty</c>, <c>unauthenticated</c>,
/// <c>invalid</c>), <c>gatehouse.registry.refused</c> (tag <c>reason</c>: <c>not-entitled</c>, <c>push</c>,
/// <c>unknown-scope</c>) per scope left out of a token, and <c>gatehouse.registry.pushes</c> (tag <c>outcome</c>).
/// </summary>
internal sealed class RegistryMetrics
{
    public const string MeterName = "Gatehouse.Registry";
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _pushes;

    public RegistryMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var m = meters.Create(MeterName);
        _tokens = m.CreateCounter<long>("gatehouse.registry.tokens");
        _refused = m.CreateCounter<long>("gatehouse.registry.refused");
        _pushes = m.CreateCounter<long>("gatehouse.registry.pushes");
    }

    public void Token(string outcome) => _tokens.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
    public void Refused(string reason) => _refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
    public void Pushed(string outcome) => _pushes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
