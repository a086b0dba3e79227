using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Analysis.Signing;

namespace Gatehouse.Server.Signing;

/// <summary>
/// Checks a vendor's Sigstore bundle against the version's artifact digest and the organisation's registered keys (pure:
/// no database, so the rules are unit-tested). The bundle's key hint picks the key when it names a registered one;
/// otherwise every registered key is tried (a <c>gatehouse sign</c> bundle carries the hint, other tools may not).
/// A signature that only a revoked key verifies is refused as <c>signing.key-revoked</c>.
/// </summary>
internal static class VendorSignatureVerifier
{
    public const string Valid = "valid";
    /// <summary>No registered key (revoked or not) verifies the signature and the hint names none of them.</summary>
    public const string UnknownKey = "signing.unknown-key";
    /// <summary>Only a revoked key verifies it.</summary>
    public const string KeyRevoked = "signing.key-revoked";
    /// <summary>The version has no artifact digest to check against.</summary>
    public const string NoArtifact = "signing.bad-digest";

    public static VendorSignatureResult Verify(ReadOnlySpan<byte> bundle, string? artifactDigest, IReadOnlyList<VendorKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!TryParseDigest(artifactDigest, out var sha256))
            return new(NoArtifact, null, "the version has no uploaded artifact whose SHA-256 the signature could cover");
        if (bundle.Length > SigstoreBundle.MaxBundleBytes) return new("bundle.too-large", null, "the bundle exceeds 1 MiB");
        var hint = SignatureFiles.KeyHint(bundle);
        if (hint is null && !LooksLikeJson(bundle)) return new("bundle.bad-bundle", null, "not a Sigstore bundle (JSON)");

        // The hinted key first, then the active keys, then the revoked ones (to say "revoked" rather than "unknown").
        var ordered = keys.OrderBy(k => k.KeyId == hint ? 0 : 1).ThenBy(k => k.RevokedAt is null ? 0 : 1).ThenBy(k => k.CreatedAt).ToList();
        SignatureCheck? last = null;
        foreach (var key in ordered)
        {
            PublicKey pub;
            try
            {
                pub = PublicKey.FromPem(key.PublicKeyPem);
            }
            catch (FormatException)
            {
                continue; // stored keys were parsed when registered; a damaged row verifies nothing
            }
            var check = SigstoreBundle.VerifyDigest(pub, bundle, sha256);
            if (check.Valid)
                return key.RevokedAt is null
                    ? new(Valid, key.KeyId, $"signed by the registered key '{key.Name}' ({key.KeyId})")
                    : new(KeyRevoked, key.KeyId, $"signed by the key '{key.Name}' ({key.KeyId}), revoked {key.RevokedAt:yyyy-MM-dd}");
            // Everything but the signature itself is independent of the key: the first such answer is final.
            if (check.Code != "bundle.signature-invalid") return new(check.Code ?? "bundle.bad-bundle", null, check.Reason ?? "not a valid bundle");
            last = check;
        }
        if (keys.Count == 0) return new(UnknownKey, null, "the organisation has no registered signing key (POST /api/orgs/{orgId}/signing-keys)");
        if (hint is not null && keys.All(k => k.KeyId != hint))
            return new(UnknownKey, null, $"the bundle names key {Clip(hint)}, which the organisation has not registered");
        return new(last?.Code ?? "bundle.signature-invalid", null, "the signature does not verify with any registered key of the organisation");
    }

    /// <summary>A person's sentence for a stored status code.</summary>
    public static string Describe(string status) => status switch
    {
        Valid => "valid",
        UnknownKey => "not signed by a key the organisation registered",
        KeyRevoked => "signed by a key the organisation revoked",
        NoArtifact => "no artifact to check against",
        "bundle.digest-mismatch" => "signs another file than the version's artifact",
        "bundle.signature-invalid" => "the signature does not verify",
        _ => "not a valid bundle (" + status + ")",
    };

    private static bool TryParseDigest(string? digest, out byte[] sha256)
    {
        sha256 = [];
        if (digest is null || !digest.StartsWith("sha256:", StringComparison.Ordinal) || digest.Length != 71) return false;
        try
        {
            sha256 = Convert.FromHexString(digest.AsSpan(7));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool LooksLikeJson(ReadOnlySpan<byte> bundle)
    {
        try
        {
            var reader = new Utf8JsonReader(bundle, new JsonReaderOptions { MaxDepth = 16 });
            using var doc = JsonDocument.ParseValue(ref reader);
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Clip(string s) => s.Length <= 64 ? s : s[..64] + "…";

    internal static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
