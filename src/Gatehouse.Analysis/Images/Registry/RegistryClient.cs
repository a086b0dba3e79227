namespace Gatehouse.Analysis.Images.Registry;

/// <summary>
/// Pulls an image from an OCI distribution registry (v2 API): manifest or index by tag or digest, anonymous or bearer-token
/// authentication (the <c>WWW-Authenticate: Bearer realm=...,service=...,scope=...</c> challenge, with basic credentials
/// at the realm), blobs verified against their digests while read, the policy's limits applied before a byte is stored.
/// Writes the result as an OCI image layout tar that <see cref="ImageArchive.Open"/> reads.
/// </summary>
public sealed partial class RegistryClient
{
    private readonly HttpClient _http;

    /// <param name="http">The client to use (its handler decides TLS; redirects for blobs are followed to any host the registry names).</param>
    public RegistryClient(HttpClient http) => _http = http;

    /// <summary>Plain <c>http://</c> is used for these registries (loopback test registries); every other one is https only.</summary>
    public IReadOnlySet<string> InsecureRegistries { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Pulls <paramref name="reference"/> into an OCI layout tar at <paramref name="destination"/> (created 0600, replaced if
    /// present) and returns the image; the chosen platform's manifest only.
    /// </summary>
    /// <exception cref="ImageException">Codes <c>registry.unauthorized</c>, <c>registry.not-found</c>, <c>registry.unreachable</c>, <c>registry.address-refused</c> (the guarded client of <see cref="CreateHttpClient"/> refused a non-public address),
    /// <c>registry.protocol</c>, and the <see cref="ImageArchive"/> codes for what it serves.</exception>
    public Task<ContainerImage> PullAsync(ImageReference reference, RegistryCredentials? credentials, string destination, ImagePolicy policy, CancellationToken ct) =>
        PullCoreAsync(reference, credentials, destination, policy, ct);

    private partial Task<ContainerImage> PullCoreAsync(ImageReference reference, RegistryCredentials? credentials, string destination, ImagePolicy policy, CancellationToken ct);
}
