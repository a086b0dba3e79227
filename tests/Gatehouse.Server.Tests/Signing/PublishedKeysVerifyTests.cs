using System.Security.Cryptography;
using Gatehouse.Analysis.Signing;
using Gatehouse.Server.Signing;

namespace Gatehouse.Server.Tests.Signing;

/// <summary>
/// The contract between the JWKS the server publishes (<see cref="PublishedKeys.Jwks"/>) and what verifiers read from it
/// (<see cref="VerificationKeys"/>, used by <c>gatehouse verify --key …/keys</c>): active and superseded keys verify, a
/// retired key is refused with <c>signing.key-retired</c> and its date. No host: the document is built from rows.
/// </summary>
public sealed class PublishedKeysVerifyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static SigningKey Row(EcdsaP256Signer s, DateTimeOffset created, DateTimeOffset? superseded = null, DateTimeOffset? retired = null) => new()
    {
        Id = s.KeyId, Algorithm = "ES256", PublicKeyPem = s.PublicKey.ToPem(), Provider = "software", CreatedAt = created, CreatedBy = "test",
        SupersededAt = superseded, RetiredAt = retired,
    };

    [Fact]
    public void Verifiers_trust_the_published_active_and_superseded_keys_and_refuse_retired_ones()
    {
        using var retired = EcdsaP256Signer.Generate();
        using var superseded = EcdsaP256Signer.Generate();
        using var active = EcdsaP256Signer.Generate();
        var keys = VerificationKeys.Parse(PublishedKeys.Jwks([
            Row(retired, T0, superseded: T0.AddDays(1), retired: T0.AddDays(5)),
            Row(superseded, T0.AddDays(1), superseded: T0.AddDays(2)),
            Row(active, T0.AddDays(2)),
        ]));
        var sha = SHA256.HashData("approved bytes"u8);

        Assert.Equal([active.KeyId, superseded.KeyId], keys.Trusted.Select(k => k.KeyId));
        foreach (var signer in new[] { active, superseded })
        {
            var bundle = SigstoreBundle.CreateForDigest(signer, sha);
            Assert.True(keys.Verify(SignatureFiles.KeyHint(bundle), k => SigstoreBundle.VerifyDigest(k, bundle, sha), out var used).Valid);
            Assert.Equal(signer.KeyId, used!.KeyId);
        }
        var old = SigstoreBundle.CreateForDigest(retired, sha);
        var refused = keys.Verify(SignatureFiles.KeyHint(old), k => SigstoreBundle.VerifyDigest(k, old, sha), out _);
        Assert.Equal(VerificationKeys.KeyRetired, refused.Code);
        Assert.Contains("retired on 2026-03-06T10:00:00Z", refused.Reason, StringComparison.Ordinal);
    }
}
