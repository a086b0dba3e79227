using Gatehouse.Server.Jobs;

namespace Gatehouse.Server.Signing;

/// <summary>Runs <c>signing.sign</c>: signs a published version's artifact (<see cref="ArtifactSigner.SignVersionAsync"/>).</summary>
internal sealed class SignVersionHandler(ArtifactSigner signer) : IWorkHandler
{
    public string Kind => SigningWork.Sign;

    public async Task<string?> RunAsync(WorkItem item, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(item);
        return await signer.SignVersionAsync(SigningWork.VersionOf(item.Payload), ct);
    }
}
