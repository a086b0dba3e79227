namespace Gatehouse.Analysis.Images.Registry;

// Stub until the client lands (issue 17, helper issue17-input replaces this file).
public sealed partial class RegistryClient
{
    private partial Task<ContainerImage> PullCoreAsync(ImageReference reference, RegistryCredentials? credentials, string destination, ImagePolicy policy, CancellationToken ct) =>
        throw new ImageException("registry.unreachable", "registry pulls are not implemented yet");
}
