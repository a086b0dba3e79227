using System.Security.Cryptography;
using System.Text;

namespace Gatehouse.Server.Gateway;

/// <summary>
/// The identity headers the gateway sends upstream, and their signature: <c>v1=hex(HMAC-SHA256(UTF-8(key),
/// canonical))</c>, where canonical is the lines method, path and query as sent, timestamp, app id, app, tenant,
/// credential and scopes, joined by <c>\n</c>. HMAC rather than ES256: the upstream is one party that shares a key per
/// cluster with the gateway (as webhooks do), verification is one line in every language, and it costs about a
/// microsecond per call where ES256 costs tens. The body is not signed (it streams); the signature binds who is
/// calling to this request line and time, and the upstream rejects it outside its replay window.
/// </summary>
internal static class GatewayIdentityHeaders
{
    public const string App = "Gatehouse-App";
    public const string AppId = "Gatehouse-App-Id";
    public const string Tenant = "Gatehouse-Tenant";
    public const string Credential = "Gatehouse-Credential";
    public const string Scopes = "Gatehouse-Scopes";
    public const string Timestamp = "Gatehouse-Timestamp";
    public const string Signature = "Gatehouse-Signature";

    /// <summary>The prefix of every identity header: any incoming header with it is removed before proxying.</summary>
    public const string Prefix = "Gatehouse-";

    /// <summary>The shortest signing key accepted (characters).</summary>
    public const int MinKeyLength = 32;

    /// <summary>The string that is signed.</summary>
    public static string Canonical(string method, string pathAndQuery, long timestamp, string appId, string app, string tenant,
        string credential, string scopes) =>
        string.Join('\n', method, pathAndQuery, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), appId, app, tenant, credential, scopes);

    /// <summary>The <c>Gatehouse-Signature</c> value of <paramref name="canonical"/>.</summary>
    public static string Sign(string key, string canonical)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(canonical);
        return "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(canonical)));
    }
}
