namespace Gatehouse.Server.Signing;

/// <summary>The kinds of <see cref="ArtifactSignature"/>.</summary>
internal static class ArtifactSignatureKinds
{
    /// <summary>Sigstore bundle v0.3, message signature over the file's SHA-256 (downloadable files).</summary>
    public const string Bundle = "bundle";
    /// <summary>The approval ticket: an in-toto Statement in a DSSE envelope, wrapped in a Sigstore bundle.</summary>
    public const string Ticket = "ticket";
    /// <summary>Helm provenance, OpenPGP clear-signed (charts).</summary>
    public const string Provenance = "prov";
    /// <summary>cosign simple-signing payload and signature, pushed as <c>sha256-&lt;hex&gt;.sig</c> (container images).</summary>
    public const string Cosign = "cosign";
}
