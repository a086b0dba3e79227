using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Server.Registry;

/// <summary>
/// Makes the JSON Web Tokens docker-registry accepts (token authentication, docs/spec/auth/jwt.md of docker distribution):
/// ES256, the signing certificate in <c>x5c</c>, claims <c>iss</c>, <c>sub</c>, <c>aud</c> (one string: 2.8 reads it
/// into a string), <c>exp</c>, <c>nbf</c>, <c>iat</c>, <c>jti</c> and <c>access</c>. Pure: the caller decides the access.
/// </summary>
internal static class RegistryTokens
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    /// <summary>The claims of one token.</summary>
    internal sealed record Claims(
        [property: JsonPropertyName("iss")] string Issuer,
        [property: JsonPropertyName("sub")] string Subject,
        [property: JsonPropertyName("aud")] string Audience,
        [property: JsonPropertyName("exp")] long Expires,
        [property: JsonPropertyName("nbf")] long NotBefore,
        [property: JsonPropertyName("iat")] long IssuedAt,
        [property: JsonPropertyName("jti")] string Id,
        [property: JsonPropertyName("access")] IReadOnlyList<AccessClaim> Access);

    /// <summary>One <c>access</c> entry as the registry reads it.</summary>
    internal sealed record AccessClaim(
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("actions")] IReadOnlyList<string> Actions);

    private sealed record Header(
        [property: JsonPropertyName("typ")] string Type,
        [property: JsonPropertyName("alg")] string Algorithm,
        [property: JsonPropertyName("x5c")] IReadOnlyList<string> Chain);

    /// <summary>The claims of a token for <paramref name="subject"/> issued at <paramref name="now"/>.</summary>
    public static Claims ClaimsFor(RegistryOptions options, string subject, IEnumerable<RegistryAccess> access, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        var iat = now.ToUnixTimeSeconds();
        return new Claims(options.Issuer, subject, options.Service, iat + (long)options.TokenLifetime.TotalSeconds, iat, iat,
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            access.Select(a => new AccessClaim(a.Type, a.Name, a.Actions)).ToArray());
    }

    /// <summary>The compact JWS of <paramref name="claims"/>, signed with <paramref name="key"/>.</summary>
    public static string Sign(Claims claims, RegistryTokenKey key)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(key);
        var header = new Header("JWT", "ES256", [Convert.ToBase64String(key.Certificate.RawData)]);
        var signingInput = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header, Json)) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims, Json));
        // JWS ES256 (RFC 7518 §3.4): r || s, 32 bytes each: .NET's IEEE P1363 format.
        var signature = key.Key.SignData(System.Text.Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64Url(signature);
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
