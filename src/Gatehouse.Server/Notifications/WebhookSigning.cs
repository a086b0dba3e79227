using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Gatehouse.Server.Notifications;

/// <summary>
/// Webhook secrets and signatures. A secret is <c>whsec_</c> + 32 random bytes (base64url); it is shown
/// once and stored encrypted with data protection, because signing needs it back (unlike tokens,
/// which are stored as HMAC). The signature is <c>v1=hex(HMAC-SHA256(UTF-8(secret), "{timestamp}.{body}"))</c>.
/// </summary>
public sealed class WebhookSigning(IDataProtectionProvider protection)
{
    public const string SecretPrefix = "whsec_";
    public const string Purpose = "Gatehouse.Webhooks";

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    /// <summary>A new secret (clear, to show once) and its protected form (to store).</summary>
    public (string Secret, string Protected) NewSecret()
    {
        var secret = SecretPrefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        return (secret, _protector.Protect(secret));
    }

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);

    /// <summary>The <c>Gatehouse-Signature</c> header value for <paramref name="body"/> sent at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
