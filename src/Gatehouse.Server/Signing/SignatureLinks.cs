using Gatehouse.Server.Apps;

namespace Gatehouse.Server.Signing;

/// <summary>
/// How signatures are named and linked (docs/signing.md): the file names <c>&lt;artifact&gt;.sigstore.json</c> and
/// <c>&lt;artifact&gt;.ticket.sigstore.json</c>, and the <c>Link</c> relations of a download response.
/// </summary>
internal static class SignatureLinks
{
    /// <summary>Link relation of the artifact's Sigstore bundle (an extension relation type, RFC 8288 §2.1.2).</summary>
    public const string BundleRel = "https://gatehouse.dev/rel/sigstore-bundle";

    /// <summary>Link relation of the approval ticket.</summary>
    public const string TicketRel = "https://gatehouse.dev/rel/approval-ticket";

    /// <summary>The path segment after a download URL's path that serves the bundle (<c>/dl/{version}/{sha256}/sigstore.json</c>).</summary>
    public const string BundleSegment = "sigstore.json";

    /// <summary>The path segment that serves the ticket (<c>/dl/{version}/{sha256}/ticket.sigstore.json</c>).</summary>
    public const string TicketSegment = "ticket.sigstore.json";

    /// <summary>The artifact's file name: as uploaded, else <c>{app}-{version}</c>.</summary>
    public static string ArtifactName(App app, AppVersion v)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(v);
        var name = Path.GetFileName(v.ArtifactName ?? "");
        return string.IsNullOrWhiteSpace(name) ? $"{app.Slug}-{v.Version}" : name;
    }

    /// <summary>The file name a signature of <paramref name="kind"/> is served as.</summary>
    public static string FileName(string artifactName, string kind) => kind switch
    {
        ArtifactSignatureKinds.Bundle => artifactName + ".sigstore.json",
        ArtifactSignatureKinds.Ticket => artifactName + ".ticket.sigstore.json",
        ArtifactSignatureKinds.Provenance => artifactName + ".prov",
        _ => artifactName + "." + kind + ".json",
    };

    /// <summary>The kind a download sub-path segment serves, or null.</summary>
    public static string? KindOfSegment(string segment) => segment switch
    {
        BundleSegment => ArtifactSignatureKinds.Bundle,
        TicketSegment => ArtifactSignatureKinds.Ticket,
        _ => null,
    };
}
