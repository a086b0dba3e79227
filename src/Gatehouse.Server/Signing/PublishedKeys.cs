using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Analysis.Signing;

namespace Gatehouse.Server.Signing;

/// <summary>
/// The published form of the platform keys (<c>GET /.well-known/gatehouse/keys</c>, docs/signing.md): a JWKS whose
/// <c>keys</c> hold the active and superseded keys (each JWK with <c>status</c> and <c>created</c>), and a separate
/// <c>retired</c> list. Retired keys are kept out of <c>keys</c> on purpose: a plain JWKS consumer then does not know them
/// and refuses their signatures (fail closed), while Gatehouse-aware verifiers can say why.
/// </summary>
internal static class PublishedKeys
{
    /// <summary>The JWKS document of <paramref name="keys"/> (any order; written active first, then newest first).</summary>
    public static string Jwks(IReadOnlyList<SigningKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var activeId = PlatformKeyStatus.ActiveId(keys);
        var published = new JsonArray();
        var retired = new JsonArray();
        foreach (var key in PlatformKeyStatus.InOrder(keys))
        {
            var jwk = JsonNode.Parse(PublicKey.FromPem(key.PublicKeyPem).ToJwk())!.AsObject();
            var status = PlatformKeyStatus.Of(key, activeId);
            jwk["status"] = status;
            if (status == PlatformKeyStatus.Retired)
            {
                jwk["retired"] = Rfc3339(key.RetiredAt!.Value);
                retired.Add(jwk);
            }
            else
            {
                jwk["created"] = Rfc3339(key.CreatedAt);
                published.Add(jwk);
            }
        }
        return new JsonObject { ["keys"] = published, ["retired"] = retired }.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    /// <summary>The key that signs now, or null when none does.</summary>
    public static SigningKey? Active(IReadOnlyList<SigningKey> keys)
    {
        var id = PlatformKeyStatus.ActiveId(keys);
        return keys.FirstOrDefault(k => string.Equals(k.Id, id, StringComparison.Ordinal));
    }

    /// <summary>RFC 3339 in UTC with whole seconds (<c>2026-01-02T03:04:05Z</c>).</summary>
    public static string Rfc3339(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
