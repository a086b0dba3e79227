using System.Security.Cryptography;
using Gatehouse.Analysis.Signing;
using Gatehouse.Analysis.Signing.Provenance;
using Gatehouse.Server.Signing;

namespace Gatehouse.Server.Tests.Signing;

/// <summary>
/// A throw-away folder with a file and its Sigstore bundle (<c>app.zip.sigstore.json</c>) and a chart archive and its
/// <c>.prov</c>, both signed with one platform key, for <c>gatehouse verify</c> against a running server.
/// </summary>
internal sealed class SignedByKey : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gh-cli-verify-").FullName;

    public SignedByKey(PlatformSigner key)
    {
        ArgumentNullException.ThrowIfNull(key);
        File = Path.Combine(_dir, "app.zip");
        var bytes = "approved bytes"u8.ToArray();
        System.IO.File.WriteAllBytes(File, bytes);
        System.IO.File.WriteAllBytes(File + ".sigstore.json", SigstoreBundle.CreateForDigest(key.Signer, SHA256.HashData(bytes)));
        Chart = Path.Combine(_dir, "demo-0.1.0.tgz");
        var tgz = RandomNumberGenerator.GetBytes(256);
        System.IO.File.WriteAllBytes(Chart, tgz);
        System.IO.File.WriteAllText(Chart + ".prov",
            OpenPgpKey.SignProvenance(key.Signer, key.CreatedAt, tgz, "demo-0.1.0.tgz", "apiVersion: v2\nname: demo\nversion: 0.1.0\n"));
    }

    /// <summary>The signed file; its bundle is next to it.</summary>
    public string File { get; }

    /// <summary>The signed chart archive; its .prov is next to it.</summary>
    public string Chart { get; }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
