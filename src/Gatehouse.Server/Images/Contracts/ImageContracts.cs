namespace Gatehouse.Server.Images;

/// <summary>
/// A container version's image by reference (<c>registry/repository:tag</c> or <c>@sha256:…</c>), pulled once at the
/// submission's scan, with the organisation's registry credential for that registry (or none: anonymous). A null
/// reference clears it (the version then needs an uploaded image).
/// </summary>
public sealed record SetImageRequest(string? Reference, Guid? CredentialId = null);

/// <summary>
/// The vendor's smoke test of a container version: a health command (argv) run inside the started container that must
/// exit 0, or an HTTP port (and path) on the container's loopback that must answer 2xx/3xx; neither: the image's
/// HEALTHCHECK, else its default command must keep running.
/// </summary>
public sealed record SetSmokeTestRequest(IReadOnlyList<string?>? Command = null, int? HttpPort = null, string? HttpPath = null);
