namespace Gatehouse.Server.Charts;

/// <summary>A chart version's <c>.prov</c> (OpenPGP clear-signed text) and the platform key id that signed it.</summary>
internal sealed record ChartProvenanceFile(byte[] Content, string KeyId);
