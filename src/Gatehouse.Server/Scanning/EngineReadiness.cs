using Gatehouse.Analysis.Analyzers;
using Gatehouse.Server.Health;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Scanning;

/// <summary>clamd answers PING and detects EICAR (a clamd that calls EICAR clean is broken: not ready).</summary>
internal sealed class ClamdReadiness(IOptions<ScanningOptions> options, EngineHandles engines) : IReadinessCheck
{
    public string Name => "clamav";

    public async Task<ReadinessResult> CheckAsync(CancellationToken ct)
    {
        var endpoint = options.Value.ClamdEndpoint;
        if (string.IsNullOrWhiteSpace(endpoint)) return ReadinessResult.Down("not configured (Scanning:ClamdEndpoint)");
        var result = await engines.ClamAvFor(endpoint).SelfTestAsync(ct);
        return result.Passed
            ? ReadinessResult.Ok($"{result.Version}; EICAR self-test detected {result.EicarSignature}")
            : ReadinessResult.Down(result.Problem ?? "self-test failed");
    }
}

/// <summary>The YARA engine loads its bundled rules and passes its ABI self-test (or falls back to the CLI).</summary>
internal sealed class YaraReadiness(EngineHandles engines) : IReadinessCheck
{
    public string Name => "yara";

    public Task<ReadinessResult> CheckAsync(CancellationToken ct) => Task.FromResult(ReadinessResult.Ok(engines.YaraEngine()));
}
