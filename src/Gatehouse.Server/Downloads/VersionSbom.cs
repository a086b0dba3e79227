namespace Gatehouse.Server.Downloads;

/// <summary>A version's SBOM: its blob and the file name it is served as.</summary>
internal sealed record VersionSbom(Guid AppId, Guid VersionId, string Digest, string FileName);
