using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gatehouse.Analysis.Tests.Probes;

/// <summary>The web integrations the probe tests run: one that does everything right, one that does not.</summary>
internal static class ProbeApps
{
    public const string WebhookSecret = "whsec_probe_test_secret";
    public const string GoodToken = "Bearer good-test-token";

    /// <summary>TLS 1.2+, HSTS, headers, secure cookies; /api/* refuses anything but the good token; the webhook verifies its signature.</summary>
    public static async Task Good(HttpContext context)
    {
        var h = context.Response.Headers;
        h.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
        h.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'";
        h.XContentTypeOptions = "nosniff";
        h["Referrer-Policy"] = "strict-origin-when-cross-origin";
        h.SetCookie = "__Host-sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax";
        var path = context.Request.Path.Value ?? "/";
        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            if (context.Request.Headers.Authorization.ToString() != GoodToken) { context.Response.StatusCode = 401; return; }
            h.CacheControl = "no-store";
            await context.Response.WriteAsync("{\"ok\":true}");
            return;
        }
        if (path == "/webhooks/lifecycle")
        {
            context.Response.StatusCode = await VerifiedAsync(context.Request) ? 204 : 401;
            return;
        }
        await context.Response.WriteAsync("hello");
    }

    /// <summary>Short HSTS, no CSP/nosniff/Referrer-Policy, a bare cookie, an open endpoint, alg=none accepted, unsigned webhooks accepted.</summary>
    public static async Task Bad(HttpContext context)
    {
        var h = context.Response.Headers;
        h.StrictTransportSecurity = "max-age=300";
        h.SetCookie = "session=abc; Path=/";
        var path = context.Request.Path.Value ?? "/";
        if (path == "/api/open") { await context.Response.WriteAsync("{}"); return; }
        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            // The classic bug: trust the token's own "alg" header.
            var auth = context.Request.Headers.Authorization.ToString();
            context.Response.StatusCode = auth.StartsWith("Bearer ", StringComparison.Ordinal) && AlgOf(auth[7..]) == "none" ? 200 : 401;
            return;
        }
        if (path == "/webhooks/lifecycle") { context.Response.StatusCode = 200; return; }
        await context.Response.WriteAsync("hello");
    }

    private static string? AlgOf(string jwt)
    {
        try
        {
            var part = jwt.Split('.')[0].Replace('-', '+').Replace('_', '/');
            part = part.PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '=');
            using var doc = JsonDocument.Parse(Convert.FromBase64String(part));
            return doc.RootElement.GetProperty("alg").GetString();
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException)
        {
            return null;
        }
    }

    private static async Task<bool> VerifiedAsync(HttpRequest request)
    {
        using var ms = new MemoryStream();
        await request.Body.CopyToAsync(ms);
        var timestamp = request.Headers["Gatehouse-Timestamp"].ToString();
        var signature = request.Headers["Gatehouse-Signature"].ToString();
        var expected = "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookSecret),
            (byte[])[.. Encoding.UTF8.GetBytes(timestamp + "."), .. ms.ToArray()]));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature));
    }
}
